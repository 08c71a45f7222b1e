import { describe, expect, it } from 'vitest';
import { constantArrivalRate } from '../../../src/executors/constant-arrival-rate.js';
import { rampingArrivalRate } from '../../../src/executors/ramping-arrival-rate.js';
import type { PlannedScenario } from '../../../src/types.js';
import { base, harness, lasting, starts, timeline } from './fakes.js';

const constant = (rate: number, durationMs: number, maxVUs: number, gracefulStopMs = 0): PlannedScenario => ({
  ...base,
  gracefulStopMs,
  executor: 'constant-arrival-rate',
  rate,
  timeUnitMs: 1_000,
  durationMs,
  preAllocatedVUs: maxVUs,
  maxVUs,
});

const ramping = (startRate: number, stages: [number, number][], maxVUs: number): PlannedScenario => ({
  ...base,
  executor: 'ramping-arrival-rate',
  startRate,
  timeUnitMs: 1_000,
  stages: stages.map(([durationMs, target]) => ({ durationMs, target })),
  preAllocatedVUs: maxVUs,
  maxVUs,
});

describe('constant-arrival-rate', () => {
  it('starts iterations on schedule, each on the lowest-index free VU', async () => {
    const h = harness(constant(10, 1_000, 3, 500), 3, lasting(150));
    expect(await h.run(constantArrivalRate)).toBe(1_050);
    expect(starts(h.iterations)).toEqual([
      [0, 0],
      [1, 100],
      [0, 200],
      [1, 300],
      [0, 400],
      [1, 500],
      [0, 600],
      [1, 700],
      [0, 800],
      [1, 900],
    ]);
    expect(h.dropped).toEqual([]);
  });

  it('uses no more VUs than needed', async () => {
    const h = harness(constant(10, 1_000, 5), 5, lasting(50));
    await h.run(constantArrivalRate);
    expect(new Set(h.iterations.map((record) => record.vu))).toEqual(new Set([0]));
    expect(h.active.slice(0, 4)).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 50, vus: 0 },
      { atMs: 100, vus: 1 },
      { atMs: 150, vus: 0 },
    ]);
  });

  it('keeps to the schedule when iterations are slow, dropping those no VU is free for', async () => {
    const h = harness(constant(10, 1_000, 2), 2, lasting(250));
    expect(await h.run(constantArrivalRate)).toBe(1_000);
    expect(timeline(h.iterations)).toEqual([
      [0, 0, 250, 'completed'],
      [1, 100, 350, 'completed'],
      [0, 300, 550, 'completed'],
      [1, 400, 650, 'completed'],
      [0, 600, 850, 'completed'],
      [1, 700, 950, 'completed'],
      [0, 900, 1_000, 'interrupted'],
    ]);
    expect(h.dropped).toEqual([200, 500, 800]);
  });

  it('lets iterations finish within gracefulStop, then interrupts them', async () => {
    const h = harness(constant(1, 1_000, 1, 2_000), 1, lasting(5_000));
    expect(await h.run(constantArrivalRate)).toBe(3_000);
    expect(timeline(h.iterations)).toEqual([[0, 0, 3_000, 'interrupted']]);
  });

  it('drops every iteration when it has no VU', async () => {
    const h = harness(constant(4, 1_000, 0), 0, lasting(1));
    await h.run(constantArrivalRate);
    expect(h.dropped).toEqual([0, 250, 500, 750]);
  });

  it('stops at once when the run is aborted, dropping nothing more', async () => {
    const h = harness(constant(10, 10_000, 2, 30_000), 2, lasting(150));
    const running = h.start(constantArrivalRate);
    await h.clock.advance(250);
    h.abort.abort();
    await h.clock.advance();
    expect(running.endedAt).toBe(250);
    expect(timeline(h.iterations).at(-1)).toEqual([0, 200, 250, 'interrupted']);
    expect(h.iterations).toHaveLength(3);
    expect(h.clock.pendingTimers).toBe(0);
  });
});

describe('ramping-arrival-rate', () => {
  it('starts iterations where the ramp has accrued each one', async () => {
    const h = harness(ramping(0, [[1_000, 10]], 1), 1, lasting(10));
    await h.run(rampingArrivalRate);
    const expected = [447.213595, 632.455532, 774.596669, 894.427191];
    expect(h.iterations.map((record) => record.vu)).toEqual([0, 0, 0, 0]);
    h.iterations.forEach((record, i) => expect(record.startMs).toBeCloseTo(expected[i] ?? Number.NaN, 6));
  });

  it('ramps down to 0 and stays there', async () => {
    const h = harness(ramping(10, [[1_000, 0], [1_000, 0]], 1), 1, lasting(10));
    expect(await h.run(rampingArrivalRate)).toBeCloseTo(1_000 + 10, 6);
    const expected = [105.572809, 225.403331, 367.544468, 552.786405, 1_000];
    h.iterations.forEach((record, i) => expect(record.startMs).toBeCloseTo(expected[i] ?? Number.NaN, 6));
    expect(h.iterations).toHaveLength(5);
  });

  it('drops iterations when all VUs are busy, keeping to the schedule', async () => {
    const h = harness(ramping(10, [[1_000, 10]], 1), 1, lasting(250));
    await h.run(rampingArrivalRate);
    expect(starts(h.iterations)).toEqual([
      [0, 100],
      [0, 400],
      [0, 700],
    ]);
    expect(h.dropped).toEqual([200, 300, 500, 600, 800, 900]);
  });
});
