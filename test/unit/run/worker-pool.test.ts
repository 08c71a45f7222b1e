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
