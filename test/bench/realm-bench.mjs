// `npm run bench`, the sandbox part: what one iteration costs the worker and its realm, and what a VU
// keeps in its isolate, with no network and no other process. A worker (VuHost) runs real isolates on
// virtual time. Its runs spread by a few percent where the end-to-end benches (ws-bench.mjs) spread by
// half, so changes to the crossing, the realm or a worker's bookkeeping show here; the machine's own
// speed still drifts from one hour to the next, so compare builds in runs that alternate them.
//
//   CPU    VUs each loop over `await sleep(0.001)`; every millisecond of virtual time their sleeps fire
//          and cross together. CPU-µs per iteration, with --vus VUs per crossing (default 100 and 1).
//   heap   --heap-vus VUs (2,000): the isolate's heap after full collections, per idle VU and per VU
//          sleeping in an iteration (what a fleet of idle sockets keeps alive between its messages).
//
// Flags: --vus=100,1  --iterations=200000 (per CPU figure)  --repeat=3 (medians)  --heap-vus=2000
// Needs `npm run build` (it drives dist/src). Runs itself again with --no-node-snapshot, which
// isolated-vm needs on Node 20, pinned to one core when `taskset` exists.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { benchDir, GENERATOR_CORE, median, PINNED, ROOT } from './processes.mjs';

if (!process.execArgv.includes('--no-node-snapshot')) {
  const pin = PINNED ? ['taskset', '-c', String(GENERATOR_CORE)] : [];
  const argv = [...pin, process.execPath, '--no-node-snapshot', ...process.argv.slice(1)];
  const child = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
// Before any isolate exists: each gets a gc() the bench calls from a context of its own.
v8.setFlagsFromString('--expose-gc');

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const VUS = (args.get('vus') ?? '100,1').split(',').map(Number);
const ITERATIONS = Number(args.get('iterations') ?? 200_000);
const REPEAT = Number(args.get('repeat') ?? 3);
const HEAP_VUS = Number(args.get('heap-vus') ?? 2000);

const dist = (file) => import(pathToFileURL(path.join(ROOT, 'dist', 'src', file)).href);
const { bundleScript } = await dist('bundle/bundle.js');
const { runtimeCode } = await dist('bundle/runtime-code.js');
const { DEFAULT_NETWORK } = await dist('options/network.js');
const { wrapUserCode } = await dist('sandbox/code.js');
const { REAL_ENVIRONMENT } = await dist('worker/environment.js');
const { VuHost } = await dist('worker/vu-host.js');
const { PROTOCOLS } = await dist('protocols/index.js');
// As a worker does before it opens them.
await PROTOCOLS.loadHosts();

const SCRIPT = `import { sleep } from 'wsk';
export default async function () {
  await sleep(Number(__ENV.SLEEP));
}
`;
const EPOCH = 1_700_000_000_000;

/** Virtual time: timers fire when `advance` moves past them; what waits for the next turn runs in `turn`. */
class VirtualTime {
  now = 0;
  #pending = new Set();
  #immediates = [];
  timers = {
    setTimeout: (callback, ms) => this.#arm({ ms, callback, cleared: false }),
    clearTimeout: (timer) => {
      timer.cleared = true;
      this.#pending.delete(timer);
    },
    // As Node's: a fired timer is armed again from now; a cleared one stays cleared.
    refresh: (timer) => {
      if (!timer.cleared) this.#arm(timer);
    },
    // Reports and progress: nothing the bench measures.
    setInterval: () => ({}),
    clearInterval: () => {},
    setImmediate: (callback) => {
      this.#immediates.push(callback);
    },
    onNextTurn: (work) => {
      let queued = false;
      return () => {
        if (queued) return;
        queued = true;
        this.#immediates.push(() => {
          queued = false;
          work();
        });
      };
    },
  };

  #arm(timer) {
    timer.atMs = this.now + timer.ms;
    this.#pending.add(timer);
    return timer;
  }

  turn() {
    while (this.#immediates.length > 0) this.#immediates.shift()();
  }

  advance(ms) {
    this.now += ms;
    for (const timer of [...this.#pending]) {
      if (timer.atMs > this.now) continue;
      this.#pending.delete(timer);
      timer.callback();
    }
    this.turn();
  }
}

/** A worker hosting `vus` VUs of the script, each looping over its iterations from the start. */
async function startWorker(code, vus, sleepSeconds) {
  const time = new VirtualTime();
  let isolate;
  const environment = {
    now: () => time.now,
    epochMs: () => EPOCH + time.now,
    timers: time.timers,
    createIsolate: (...rest) => (isolate = REAL_ENVIRONMENT.createIsolate(...rest)),
  };
  const setup = {
    workerIndex: 0,
    code,
    isolation: 'compartment',
    limits: { memoryLimitMb: 1024, callTimeoutMs: 60_000 },
    vusPerIsolate: vus,
    env: { SLEEP: String(sleepSeconds) },
    scenarioEnv: {},
    scenarios: [{ name: 'default', exec: 'default', tags: { scenario: 'default' } }],
    scriptDir: os.tmpdir(),
    recordIterations: false,
    metricsIntervalMs: 3_600_000,
    network: DEFAULT_NETWORK,
  };
  const host = new VuHost(setup, () => {}, undefined, environment);
  const ids = Array.from({ length: vus }, (_, index) => index + 1);
  host.receive({ type: 'createVus', ids });
  time.turn();
  const loop = () => {
    // Each VU: its loop token, scenario 0 from iteration 0, as many iterations as it will take, no end time.
    host.receive({ type: 'loop', items: ids.flatMap((id) => [id, 1_000_000 + id, 0, 0, Number.MAX_SAFE_INTEGER, EPOCH + 1e12]) });
    time.turn();
  };
  // gc() as every context of the isolate has it (--expose-gc), from one of the bench's own.
  const heapUsed = () => {
    const context = isolate.isolate.createContextSync();
    for (let i = 0; i < 3; i++) context.evalSync('gc()');
    context.release();
    return isolate.heapUsed();
  };
  return { time, loop, heapUsed, stop: () => host.receive({ type: 'stop' }) };
}

async function cpuPerIteration(code, vus) {
  const worker = await startWorker(code, vus, 0.001);
  worker.loop();
  const steps = Math.max(1, Math.round(ITERATIONS / vus));
  // Warm-up: V8 optimises the hot paths first.
  for (let i = 0; i < Math.ceil(steps / 4); i++) worker.time.advance(1);
  const before = process.cpuUsage();
  for (let i = 0; i < steps; i++) worker.time.advance(1);
  const used = process.cpuUsage(before);
  worker.stop();
  return (used.user + used.system) / (steps * vus);
}

async function heapPerVu(code) {
  const worker = await startWorker(code, HEAP_VUS, 5);
  const idle = worker.heapUsed();
  worker.loop();
  // Their sleeps fire once: each VU ends an iteration and sleeps in the next.
  worker.time.advance(5000);
  const sleeping = worker.heapUsed();
  worker.stop();
  return { idleBytes: idle / HEAP_VUS, sleepingBytes: (sleeping - idle) / HEAP_VUS };
}

const dir = benchDir('realm-bench');
writeFileSync(path.join(dir, 'script.ts'), SCRIPT);
const bundle = await bundleScript('script.ts', { cwd: dir });
const code = { runtime: await runtimeCode(), user: wrapUserCode(bundle.code), userFileName: 'wsk-script.js' };
console.log(`wsk realm bench: node ${process.version}, ${PINNED ? `pinned to core ${GENERATOR_CORE}` : 'not pinned'}, ${REPEAT} run(s) each`);
console.log('\nCPU: VUs looping over `await sleep(0.001)` on virtual time (a worker and its realm, no network)');
console.log('VUs per crossing   CPU-µs per iteration (runs)');
for (const vus of VUS) {
  const runs = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await cpuPerIteration(code, vus));
  console.log(`${String(vus).padStart(16)}   ${median(runs).toFixed(2).padStart(8)} (${runs.map((us) => us.toFixed(2)).join(', ')})`);
}
const heap = await heapPerVu(code);
console.log(`\nheap: ${HEAP_VUS} VUs in one isolate, after full collections`);
console.log(`  per idle VU:                 ${Math.round(heap.idleBytes)} bytes (the isolate's own heap included)`);
console.log(`  per VU sleeping in an iteration, beyond idle: ${Math.round(heap.sleepingBytes)} bytes`);
