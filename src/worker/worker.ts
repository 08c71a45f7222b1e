/** Entry of a worker thread: wires the thread's port to a VuHost. */
import { parentPort, workerData } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';
import { VuHost } from './vu-host.js';

if (parentPort === null) throw new Error('wsk: worker.js must run in a worker thread');
const port = parentPort;
const host = new VuHost(workerData as WorkerSetup, (message: FromWorker) => port.postMessage(message));
port.on('message', (message: ToWorker) => {
  host.receive(message);
  if (message.type === 'stop') port.close();
});
