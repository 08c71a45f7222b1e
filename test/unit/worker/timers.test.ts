// Timers and init code that awaits, in a real sandbox on virtual time: the runtime's timers are
// sleeps the host arms on the test's timers, so every due time below is exact.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../src/bundle/bundle.js';
import { runtimeCode } from '../../../src/bundle/runtime-code.js';
import { DEFAULT_NETWORK } from '../../../src/options/network.js';
import { PROTOCOLS } from '../../../src/protocols/index.js';
import { wrapUserCode } from '../../../src/sandbox/code.js';
import { REAL_ENVIRONMENT, type WorkerEnvironment } from '../../../src/worker/environment.js';
import type { FromWorker, WorkerSetup } from '../../../src/worker/messages.js';
import { VuHost } from '../../../src/worker/vu-host.js';
import { FakeEnvironment } from './fakes.js';

let dir: string | undefined;
let host: VuHost | undefined;
afterEach(() => {
  host?.receive({ type: 'stop' });
  host = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A worker running `source` in real isolates, on the fake environment's virtual time. */
async function start(source: string) {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-timers-'));
  writeFileSync(path.join(dir, 'script.js'), source);
  const bundle = await bundleScript('script.js', { cwd: dir });
  expect(bundle.warnings).toEqual([]);
  const env = new FakeEnvironment();
  const environment: WorkerEnvironment = { now: () => env.now(), epochMs: () => env.epochMs(), timers: env.timers, createIsolate: REAL_ENVIRONMENT.createIsolate };
  const setup: WorkerSetup = {
    workerIndex: 0,
    code: { runtime: await runtimeCode(), user: wrapUserCode(bundle.code), userFileName: 'wsk-script.js' },
    isolation: 'compartment',
    limits: { memoryLimitMb: 64, callTimeoutMs: 5000 },
    vusPerIsolate: 10,
    env: {},
    scenarioEnv: {},
    scenarios: [{ name: 'default', exec: 'default', tags: { scenario: 'default' } }],
    scriptDir: dir,
    recordIterations: true,
    metricsIntervalMs: 60_000,
    network: DEFAULT_NETWORK,
  };
  const messages: FromWorker[] = [];
  await PROTOCOLS.loadHosts();
  host = new VuHost(setup, (message) => messages.push(message), undefined, environment);
  const batches = () => messages.filter((m): m is Extract<FromWorker, { type: 'batch' }> => m.type === 'batch');
  return {
    host,
    env,
    created: () => messages.filter((m) => m.type === 'vusCreated'),
    ended: () => batches().flatMap((b) => b.ended),
    logs: () => batches().flatMap((b) => b.logs.map((log) => `${log.level} ${log.text}`)),
    errors: () => batches().flatMap((b) => b.errors.map((e) => `${e.kind} ${e.error.message}`)),
  };
}

/** Starts VU 1 and its iteration (token 7). */
function runOne(t: Awaited<ReturnType<typeof start>>): void {
  t.host.receive({ type: 'createVus', ids: [1] });
  t.env.turn();
  expect(t.created()).toMatchObject([{ error: null }]);
  t.host.receive({ type: 'run', items: [1, 7, 0, 0] });
  t.env.turn();
}

describe('timers in an iteration', () => {
  it('run their callbacks at their due times with their arguments; the iteration ends once the last is over', async () => {
    const t = await start(`
      export default function () {
        setTimeout((a, b) => console.log('timeout ' + a + ' ' + b), 100, 'x', 'y');
        let ticks = 0;
        const id = setInterval(() => {
          ticks++;
          console.log('tick ' + ticks);
          if (ticks === 3) clearInterval(id);
        }, 30);
        clearTimeout(setTimeout(() => console.log('cleared'), 10));
        setTimeout(() => console.log('negative'), -5);
        setTimeout(() => console.log('not a number'), 'soon');
        console.log('returned ' + typeof id);
      }
    `);
    runOne(t);
    t.env.advance(0);
    expect(t.logs()).toEqual(['log returned number', 'log negative', 'log not a number']);
    t.env.advance(90);
    expect(t.logs().slice(3)).toEqual(['log tick 1', 'log tick 2', 'log tick 3']);
    t.env.advance(9);
    expect(t.ended()).toEqual([]);
    t.env.advance(1);
    expect(t.logs().slice(6)).toEqual(['log timeout x y']);
    expect(t.ended()).toEqual([1, 7, 0]);
    expect(t.env.pendingTimeouts).toBe(0);
  });

  it('are the module wsk/timers (k6/timers) too, and wait for a callback that sleeps (made async by the k6 rewrite)', async () => {
    const t = await start(`
      import { sleep } from 'k6';
      import { setTimeout as later } from 'k6/timers';
      export default function () {
        later(() => {
          sleep(0.1);
          console.log('after the sleep');
        }, 10);
      }
    `);
    runOne(t);
    t.env.advance(109);
    expect(t.ended()).toEqual([]);
    t.env.advance(1);
    expect(t.logs()).toEqual(['log after the sleep']);
    expect(t.ended()).toEqual([1, 7, 0]);
  });

  it('fail the iteration at once when a callback throws, dropping its other timers', async () => {
    const t = await start(`
      import { sleep } from 'k6';
      export default function () {
        setTimeout(() => { throw new Error('boom'); }, 50);
        setTimeout(() => console.log('late'), 100);
        sleep(1);
        console.log('after the sleep');
      }
    `);
    runOne(t);
    t.env.advance(50);
    expect(t.ended()).toEqual([1, 7, 1]);
    expect(t.errors()).toEqual(['iteration Error: boom']);
    expect(t.env.pendingTimeouts).toBe(0);
    t.env.advance(2000);
    expect(t.logs()).toEqual([]);
  });

  it('are dropped with k6 warning when the iteration is interrupted; the next iteration starts clean', async () => {
    const t = await start(`
      export default function () {
        if (__ITER === 0) setInterval(() => console.log('tick'), 100);
      }
    `);
    runOne(t);
    t.env.advance(250);
    t.host.receive({ type: 'interrupt', items: [1, 7] });
    t.env.turn();
    expect(t.ended()).toEqual([1, 7, 2]);
    expect(t.logs()).toEqual(['log tick', 'log tick', 'warn setInterval 1 was stopped because the VU iteration was interrupted']);
    expect(t.env.pendingTimeouts).toBe(0);
    t.host.receive({ type: 'run', items: [1, 8, 0, 1] });
    t.env.turn();
    expect(t.ended()).toEqual([1, 7, 2, 1, 8, 0]);
  });

  it("re-arm the VU's own timer for sleeps of one length; one cleared, of another length or alongside it gets a new one, and each is on time", async () => {
    const t = await start(`
      import { sleep } from 'k6';
      import { setTimeout as later, clearTimeout as unset } from 'k6/timers';
      export default async function () {
        for (let i = 0; i < 3; i++) {
          await sleep(1);
          console.log('slept ' + i);
        }
        unset(later(() => console.log('cleared'), 1000));
        await sleep(1);
        console.log('after the cleared one');
        await sleep(2);
        console.log('longer');
        later(() => console.log('alongside'), 300);
        await sleep(0.5);
        console.log('half');
      }
    `);
    runOne(t);
    const at = (ms: number, logs: string[]): void => {
      t.env.advance(ms - 1 - t.env.now());
      expect(t.logs()).not.toContain(`log ${logs.at(-1)!}`);
      t.env.advance(1);
      expect(t.logs().slice(-logs.length)).toEqual(logs.map((text) => `log ${text}`));
    };
    at(1000, ['slept 0']);
    at(2000, ['slept 1']);
    at(3000, ['slept 2']);
    // A cleared timer cannot be armed again (Node's refresh() does nothing to it): this sleep needs a new one.
    at(4000, ['after the cleared one']);
    at(6000, ['longer']);
    at(6300, ['alongside']);
    at(6500, ['half']);
    expect(t.ended()).toEqual([1, 7, 0]);
    expect(t.logs()).not.toContain('log cleared');
    // Eight sleeps: the first three share one timer; the timeout that was cleared made the next sleep need
    // a new one, the longer sleep another, the 300 ms timeout another, and the sleep alongside it its own.
    expect(t.env.timeoutsMade).toBe(5);
    expect(t.env.pendingTimeouts).toBe(0);
  });

  it('refuse a callback that is not a function, naming the call', async () => {
    const t = await start(`export default function () { setInterval('tick()', 10); }`);
    runOne(t);
    expect(t.errors()).toEqual(['iteration TypeError: setInterval(): the callback must be a function, got string']);
    expect(t.ended()).toEqual([1, 7, 1]);
  });
});

describe('init code that awaits', () => {
  it('creates the VU once its top-level awaits and timers are over, with the exports they made', async () => {
    const t = await start(`
      const vus = await new Promise((resolve) => setTimeout(() => resolve(4), 200));
      setTimeout(() => console.log('init timer'), 300);
      export const options = { vus };
      export default function () {}
    `);
    t.host.receive({ type: 'createVus', ids: [1] });
    // The second timer is set at 200, when the first resolves.
    t.env.advance(499);
    expect(t.created()).toEqual([]);
    t.env.advance(1);
    expect(t.logs()).toEqual(['log init timer']);
    expect(t.created()).toEqual([{ type: 'vusCreated', count: 1, error: null, exports: { functions: ['default'], options: '{"vus":4}' } }]);
  });

  it('fails the VU with what a timer of the init code throws', async () => {
    const t = await start(`
      setTimeout(() => { throw new Error('init boom'); }, 20);
      export default function () {}
    `);
    t.host.receive({ type: 'createVus', ids: [1, 2] });
    t.env.advance(20);
    expect(t.created()).toMatchObject([{ type: 'vusCreated', count: 0, error: { vu: 1, error: { message: 'Error: init boom' } } }]);
  });
});
