import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ownThread, WorkerPool } from '../../../src/run/worker-pool.js';
import type { PlannedScenario } from '../../../src/types.js';
import type { WorkerSetup } from '../../../src/worker/messages.js';
import { DEFAULT_NETWORK } from '../../../src/options/network.js';

const DIES = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/workers/dies-on-run.mjs'));

const setup: Omit<WorkerSetup, 'workerIndex'> = {
  code: { runtime: '', user: '', userFileName: 'script.js' },
  isolation: 'compartment',
  limits: { memoryLimitMb: 64, callTimeoutMs: 1000 },
  vusPerIsolate: 10,
  env: {},
  scenarioEnv: {},
  scenarios: [{ name: 'default', exec: 'default', tags: {} }],
  scriptDir: '.',
  recordIterations: true,
  metricsIntervalMs: 200,
  network: DEFAULT_NETWORK,
};
const scenario = { name: 'default' } as PlannedScenario;

describe('WorkerPool when a worker dies', () => {
  it('ends the iterations and loops of its VUs as interrupted and reports the crash once, instead of leaving them waiting', async () => {
    const crashes: Error[] = [];
    const ended: string[] = [];
    const pool = new WorkerPool(1, setup, [scenario], {
      metrics: () => {},
      logs: () => {},
      errors: () => {},
      defined: () => {},
      crashed: (error) => crashes.push(error),
      aborted: () => {},
      iterationEnded: (_, result) => ended.push(result),
    }, ownThread(DIES));
    await pool.createVus([1, 2]);
    const signal = new AbortController().signal;
    const iteration = pool.virtualUser(1).runIteration(scenario, signal);
    const loop = pool.virtualUser(2).runLoop!(scenario, { maxIterations: 5, untilEpochMs: Date.now() + 60_000 }, signal);
    await expect(iteration).resolves.toBe('interrupted');
    await expect(loop).resolves.toEqual({ completed: 0, failed: 0, interrupted: 1 });
    expect(crashes).toHaveLength(1);
    expect(crashes[0]!.message).toBe('worker 0: the worker broke');
    expect(ended).toEqual(['interrupted']);
    // Later iterations on a dead worker end at once.
    await expect(pool.virtualUser(1).runIteration(scenario, signal)).resolves.toBe('interrupted');
    await pool.stop();
  });
});

const INTERRUPTED_BY_TOKEN = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/workers/ends-when-interrupted.mjs'));

describe('WorkerPool interrupting VUs', () => {
  const quiet = { metrics: () => {}, logs: () => {}, errors: () => {}, defined: () => {}, crashed: () => {}, aborted: () => {}, iterationEnded: () => {} };
  const forever = { maxIterations: Infinity, untilEpochMs: Date.now() + 600_000 };

  it('interrupts every VU whose loop or iteration a signal was handed to, with one listener on the signal however many VUs share it', async () => {
    const pool = new WorkerPool(1, setup, [scenario], quiet, ownThread(INTERRUPTED_BY_TOKEN));
    const ids = Array.from({ length: 25 }, (_, i) => i + 1);
    await pool.createVus(ids);
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const fleet = new AbortController();
      const vus = ids.map((id) => pool.virtualUser(id));
      const loops = vus.slice(0, 20).map((vu) => vu.runLoop!(scenario, forever, fleet.signal));
      // Each VU's iteration 0 completes at once in the fixture: the next one runs until interrupted.
      for (const vu of vus.slice(20)) await vu.runIteration(scenario, fleet.signal);
      const iterations = vus.slice(20).map((vu) => vu.runIteration(scenario, fleet.signal));
      fleet.abort();
      expect(await Promise.all(loops)).toEqual(loops.map(() => ({ completed: 0, failed: 0, interrupted: 1 })));
      expect(await Promise.all(iterations)).toEqual(iterations.map(() => 'interrupted'));
      // Node warns past ten listeners of one kind on an EventTarget: 25 VUs listening each would.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await pool.stop();
    }
  });

  it("leaves a VU alone when the signal of an iteration it finished aborts, and interrupts it through its latest one's", async () => {
    const pool = new WorkerPool(1, setup, [scenario], quiet, ownThread(INTERRUPTED_BY_TOKEN));
    await pool.createVus([1, 2]);
    const [vu, other] = [pool.virtualUser(1), pool.virtualUser(2)];
    // The fixture completes a VU's iteration 0 at once; later ones run until interrupted.
    const first = new AbortController();
    await expect(vu.runIteration(scenario, first.signal)).resolves.toBe('completed');
    const second = new AbortController();
    let ended = false;
    const secondIteration = vu.runIteration(scenario, second.signal).then((result) => {
      ended = true;
      return result;
    });
    // Another VU still listens to the first signal: its abort reaches that VU only.
    await expect(other.runIteration(scenario, first.signal)).resolves.toBe('completed');
    const othersSecond = other.runIteration(scenario, first.signal);
    first.abort();
    await expect(othersSecond).resolves.toBe('interrupted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ended).toBe(false);
    second.abort();
    await expect(secondIteration).resolves.toBe('interrupted');
    await pool.stop();
  });
});
