// The pool's first worker runs on the lifecycle VU's thread: real threads, real isolates.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../src/bundle/bundle.js';
import { runtimeCode } from '../../../src/bundle/runtime-code.js';
import { DEFAULT_NETWORK } from '../../../src/options/network.js';
import { firstOnThreadOf, LifecycleVu } from '../../../src/run/lifecycle.js';
import { ownThread, WorkerPool, type ThreadFor } from '../../../src/run/worker-pool.js';
import { wrapUserCode } from '../../../src/sandbox/code.js';
import type { PlannedScenario } from '../../../src/types.js';
import type { WorkerLog } from '../../../src/worker/messages.js';
import { RUN_MEMORY_BYTES } from '../../../runtime/run-memory.js';

const SCRIPT = `export default function () { console.log('iteration of VU ' + __VU); }
export function teardown() { console.log('teardown ran'); }`;

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function lifecycleOf(source: string, logs: WorkerLog[]) {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-shared-'));
  writeFileSync(path.join(dir, 'script.js'), source);
  const bundle = await bundleScript('script.js', { cwd: dir });
  const setup = {
    code: { runtime: await runtimeCode(), user: wrapUserCode(bundle.code), userFileName: 'wsk-script.js' },
    isolation: 'compartment' as const,
    limits: { memoryLimitMb: 64, callTimeoutMs: 5000 },
    vusPerIsolate: 10,
    env: {},
    scenarioEnv: {},
    scriptDir: dir,
    metricsIntervalMs: 200,
    counters: new SharedArrayBuffer(RUN_MEMORY_BYTES),
  };
  const events = { logs: (batch: readonly WorkerLog[]) => logs.push(...batch), errors: () => {}, defined: () => {}, metrics: () => {} };
  const lifecycle = new LifecycleVu(setup, events);
  await lifecycle.init();
  const pool = (count: number, threadFor: ThreadFor) =>
    new WorkerPool(count, { ...setup, scenarios: [{ name: 'default', exec: 'default', tags: {} }], recordIterations: true, network: DEFAULT_NETWORK }, [scenario], {
      ...events,
      crashed: (error) => {
        throw error;
      },
      aborted: () => {},
      iterationEnded: () => {},
    }, threadFor);
  return { lifecycle, pool };
}

const scenario = { name: 'default' } as PlannedScenario;

/** A ThreadFor that starts real threads and counts them. */
function countingOwn(): { own: ThreadFor; started: () => number } {
  let started = 0;
  const own = ownThread();
  return {
    own: (setup) => {
      started++;
      return own(setup);
    },
    started: () => started,
  };
}

describe("the pool's first worker on the lifecycle VU's thread", () => {
  it('runs its VUs there; the pool stops without ending the thread, teardown still runs, and the thread ends with the lifecycle VU', async () => {
    const logs: WorkerLog[] = [];
    const { lifecycle, pool: makePool } = await lifecycleOf(SCRIPT, logs);
    const threads = countingOwn();
    const pool = makePool(2, firstOnThreadOf(lifecycle, threads.own));
    // Two workers, one new thread: worker 0 shares the lifecycle VU's.
    expect(threads.started()).toBe(1);
    await pool.createVus([1, 2]);
    const signal = new AbortController().signal;
    await expect(Promise.all([1, 2].map((id) => pool.virtualUser(id).runIteration(scenario, signal)))).resolves.toEqual(['completed', 'completed']);
    let started = Date.now();
    await pool.stop();
    // Its shared host is done when it closes its port, not when the thread exits (well before the 5 s stop wait).
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(lifecycle.call('teardown', '')).resolves.toEqual({ ok: true, json: expect.any(String) });
    expect(logs.map((log) => log.text).sort()).toEqual(['iteration of VU 1', 'iteration of VU 2', 'teardown ran']);
    started = Date.now();
    await lifecycle.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('gives the first worker a thread of its own once the lifecycle VU has stopped', async () => {
    const { lifecycle, pool: makePool } = await lifecycleOf(SCRIPT, []);
    await lifecycle.stop();
    const threads = countingOwn();
    const pool = makePool(1, firstOnThreadOf(lifecycle, threads.own));
    expect(threads.started()).toBe(1);
    await pool.createVus([1]);
    await expect(pool.virtualUser(1).runIteration(scenario, new AbortController().signal)).resolves.toBe('completed');
    await pool.stop();
  });
});
