import { describe, expect, it } from 'vitest';
import { perVuIterations } from '../../../src/executors/per-vu-iterations.js';
import type { PlannedScenario } from '../../../src/types.js';
import { base, harness, lasting, timeline } from './fakes.js';

const scenario = (vus: number, iterations: number, maxDurationMs: number, gracefulStopMs = 0): PlannedScenario => ({
  ...base,
  gracefulStopMs,
  executor: 'per-vu-iterations',
  vus,
  iterations,
  maxDurationMs,
});

describe('per-vu-iterations', () => {
  it('runs the same number of iterations on every VU', async () => {
    const h = harness(scenario(2, 3, 10_000), 2, lasting(100, 500));
    expect(await h.run(perVuIterations)).toBe(1_500);
    expect(timeline(h.iterations)).toEqual([
      [0, 0, 100, 'completed'],
      [1, 0, 500, 'completed'],
      [0, 100, 200, 'completed'],
      [0, 200, 300, 'completed'],
      [1, 500, 1_000, 'completed'],
      [1, 1_000, 1_500, 'completed'],
    ]);
    expect(h.active).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 0, vus: 2 },
      { atMs: 300, vus: 1 },
      { atMs: 1_500, vus: 0 },
    ]);
    expect(h.dropped).toEqual([]);
  });

  it('interrupts at maxDuration and counts the iterations never started as dropped', async () => {
    const h = harness(scenario(2, 3, 900), 2, lasting(100, 500));
    expect(await h.run(perVuIterations)).toBe(900);
    expect(timeline(h.iterations).filter(([vu]) => vu === 1)).toEqual([
      [1, 0, 500, 'completed'],
      [1, 500, 900, 'interrupted'],
    ]);
    expect(h.dropped).toEqual([900]);
  });

  it('keeps a VU going after a failed iteration', async () => {
    const h = harness(scenario(1, 3, 10_000), 1, (_vu, n) => ({ durationMs: 10, result: n === 1 ? 'failed' : 'completed' }));
    await h.run(perVuIterations);
    expect(h.iterations.map((record) => record.result)).toEqual(['completed', 'failed', 'completed']);
  });
});
