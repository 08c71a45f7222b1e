// VUs that can loop on their own (the workers' fast path) are handed their limits once, instead of
// being asked for one iteration at a time.
import { describe, expect, it } from 'vitest';
import { constantVus } from '../../../src/executors/constant-vus.js';
import { perVuIterations } from '../../../src/executors/per-vu-iterations.js';
import type { Clock, ExecutorContext, LoopLimits, LoopResult, PlannedScenario, VirtualUser } from '../../../src/types.js';
import { base } from './fakes.js';

/** A clock frozen at 0 whose sleeps end only when aborted: the executor's own timers never fire. */
const frozen: Clock = {
  now: () => 0,
  sleepUntil: (_at, signal) =>
    new Promise((_, reject) => signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })))),
};

function loopingVu(id: number, result: LoopResult, seen: LoopLimits[]): VirtualUser {
  return {
    id,
    runIteration: () => Promise.reject(new Error('the executor should use runLoop')),
    runLoop: (_scenario, limits) => {
      seen.push(limits);
      return Promise.resolve(result);
    },
  };
}

function context(scenario: PlannedScenario, vus: VirtualUser[], active: number[], dropped: number[]): ExecutorContext {
  return {
    scenario,
    clock: frozen,
    vus,
    signal: new AbortController().signal,
    events: { activeVus: (delta) => active.push(delta), droppedIteration: () => dropped.push(1) },
  };
}

describe('executors with VUs that loop on their own', () => {
  it('constant-vus gives each VU the regular end and no iteration limit', async () => {
    const seen: LoopLimits[] = [];
    const active: number[] = [];
    const vus = [1, 2, 3].map((id) => loopingVu(id, { completed: 5, failed: 0, interrupted: 0 }, seen));
    const before = performance.timeOrigin + performance.now();
    await constantVus.run(context({ ...base, executor: 'constant-vus', vus: 2, durationMs: 30_000 }, vus, active, []));
    const after = performance.timeOrigin + performance.now();
    expect(seen).toHaveLength(2);
    for (const limits of seen) {
      expect(limits.maxIterations).toBe(Infinity);
      expect(limits.untilEpochMs).toBeGreaterThanOrEqual(before + 30_000);
      expect(limits.untilEpochMs).toBeLessThanOrEqual(after + 30_000);
    }
    expect(active).toEqual([1, 1, -1, -1]);
  });

  it('per-vu-iterations limits each VU to its iterations and counts the unstarted ones as dropped', async () => {
    const seen: LoopLimits[] = [];
    const dropped: number[] = [];
    const vus = [loopingVu(1, { completed: 3, failed: 1, interrupted: 0 }, seen), loopingVu(2, { completed: 1, failed: 0, interrupted: 1 }, seen)];
    await perVuIterations.run(context({ ...base, executor: 'per-vu-iterations', vus: 2, iterations: 4, maxDurationMs: 60_000 }, vus, [], dropped));
    expect(seen.map((limits) => limits.maxIterations)).toEqual([4, 4]);
    // VU 1 started all 4; VU 2 started 2 of its 4 before maxDuration.
    expect(dropped).toHaveLength(2);
  });

  it('a VU whose loop fails, by a rejection or a throw, stops counting as active and fails the scenario', async () => {
    for (const fail of ['reject', 'throw'] as const) {
      const active: number[] = [];
      const broken: VirtualUser = {
        id: 1,
        runIteration: () => Promise.reject(new Error('the executor should use runLoop')),
        runLoop: () => {
          if (fail === 'throw') throw new Error('no loop');
          return Promise.reject(new Error('no loop'));
        },
      };
      const run = constantVus.run(context({ ...base, executor: 'constant-vus', vus: 1, durationMs: 30_000 }, [broken], active, []));
      await expect(run).rejects.toThrow('no loop');
      expect(active).toEqual([1, -1]);
    }
  });
});
