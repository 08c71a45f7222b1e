import { describe, expect, it } from 'vitest';
import { sharedIterations } from '../../../src/executors/shared-iterations.js';
import type { PlannedScenario } from '../../../src/types.js';
import { base, harness, lasting, timeline } from './fakes.js';

const scenario = (vus: number, iterations: number, maxDurationMs: number, gracefulStopMs = 0): PlannedScenario => ({
  ...base,
  gracefulStopMs,
  executor: 'shared-iterations',
  vus,
  iterations,
  maxDurationMs,
});

describe('shared-iterations', () => {
  it('shares the iterations: each goes to whichever VU is free next', async () => {
    const h = harness(scenario(3, 10, 10_000), 3, lasting(100, 260, 1_000));
    expect(await h.run(sharedIterations)).toBe(1_000);
    expect(timeline(h.iterations).map(([vu, start]) => [vu, start])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 100],
      [0, 200],
      [1, 260],
      [0, 300],
      [0, 400],
      [0, 500],
      [1, 520],
    ]);
    expect(h.iterations.every((record) => record.result === 'completed')).toBe(true);
    expect(h.dropped).toEqual([]);
    expect(h.active).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 0, vus: 2 },
      { atMs: 0, vus: 3 },
      { atMs: 600, vus: 2 },
      { atMs: 780, vus: 1 },
      { atMs: 1_000, vus: 0 },
    ]);
  });

  it('stops at maxDuration and counts the iterations never started as dropped', async () => {
    const h = harness(scenario(2, 10, 1_000), 2, lasting(300));
    expect(await h.run(sharedIterations)).toBe(1_000);
    expect(h.iterations).toHaveLength(8);
    expect(timeline(h.iterations).slice(-2)).toEqual([
      [0, 900, 1_000, 'interrupted'],
      [1, 900, 1_000, 'interrupted'],
    ]);
    expect(h.dropped).toEqual([1_000, 1_000]);
  });

  it('lets the last iterations finish within gracefulStop', async () => {
    const h = harness(scenario(1, 3, 1_000, 1_000), 1, lasting(600));
    expect(await h.run(sharedIterations)).toBe(1_200);
    expect(timeline(h.iterations)).toEqual([
      [0, 0, 600, 'completed'],
      [0, 600, 1_200, 'completed'],
    ]);
    expect(h.dropped).toEqual([1_200]);
  });

  it('stops at once when the run is aborted, reporting nothing dropped', async () => {
    const h = harness(scenario(2, 100, 60_000, 30_000), 2, lasting(300));
    const running = h.start(sharedIterations);
    await h.clock.advance(450);
    h.abort.abort();
    await h.clock.advance();
    expect(running.endedAt).toBe(450);
    expect(h.iterations).toHaveLength(4);
    expect(h.dropped).toEqual([]);
    expect(h.clock.pendingTimers).toBe(0);
  });
});
