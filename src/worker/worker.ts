/** Entry of a worker thread: wires the thread's port to a VuHost, and any port it is handed later to another. */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { PROTOCOLS } from '../protocols/index.js';
import type { FromWorker, ToThread, WorkerSetup } from './messages.js';
import { VuHost } from './vu-host.js';

if (parentPort === null) throw new Error('wsk: worker.js must run in a worker thread');
const port = parentPort;
// The host sides of the protocols the script uses; the port keeps what the coordinator sends until serve() listens.
const setup = workerData as WorkerSetup;
void PROTOCOLS.loadHosts(setup.code.user).then(() => serve(port, setup));
process.once('exit', collectIsolatedVmObjects);

/**
 * A VuHost that talks over `port` and closes it once stopped. The thread ends when every port it
 * serves is closed.
 */
function serve(port: MessagePort, setup: WorkerSetup): void {
  const host = new VuHost(setup, (message: FromWorker) => port.postMessage(message));
  port.on('message', (message: ToThread) => {
    if (message.type === 'host') return serve(message.port, message.setup);
    host.receive(message);
    if (message.type === 'stop') port.close();
  });
}

/**
 * isolated-vm lets go of this thread's isolate in a cleanup hook as the thread ends; a collection
 * after that which finds one of its objects (a Reference, an ExternalCopy, the module itself) aborts
 * the process (`IsolateEnvironment::GetCurrent(): Assertion 'environment != nullptr'`). Node runs
 * one while tearing the thread down when incremental marking is under way, about one exit in thirty
 * here. A full collection as the thread's last JavaScript collects what is garbage while the hook
 * has not run, and ends any marking in progress, so teardown has no collection left to do.
 */
function collectIsolatedVmObjects(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  v8.setFlagsFromString('--no-expose-gc');
  gc();
}
