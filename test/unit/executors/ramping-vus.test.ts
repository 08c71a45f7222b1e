import { describe, expect, it } from 'vitest';
import { rampingVus } from '../../../src/executors/ramping-vus.js';
import type { PlannedScenario } from '../../../src/types.js';
import { base, harness, lasting, timeline } from './fakes.js';

function scenario(startVUs: number, stages: [number, number][], gracefulRampDownMs: number, gracefulStopMs = 0): PlannedScenario {
  return {
    ...base,
    executor: 'ramping-vus',
    gracefulStopMs,
    gracefulRampDownMs,
    startVUs,
    stages: stages.map(([durationMs, target]) => ({ durationMs, target })),
  };
}

// 0 → 2 VUs over 1s (VU 0 at 500 ms, VU 1 at 1000 ms), hold 1s, 2 → 0 over 1s (VU 1 released at 2500 ms).
const upHoldDown: [number, number][] = [
  [1_000, 2],
  [1_000, 2],
  [1_000, 0],
];

describe('ramping-vus', () => {
  it('starts VUs at the ramp steps and interrupts a released VU at once without gracefulRampDown', async () => {
    const h = harness(scenario(0, upHoldDown, 0), 2, lasting(400));
    expect(await h.run(rampingVus)).toBe(3_000);
    expect(timeline(h.iterations)).toEqual([
      [0, 500, 900, 'completed'],
      [0, 900, 1_300, 'completed'],
      [1, 1_000, 1_400, 'completed'],
      [0, 1_300, 1_700, 'completed'],
      [1, 1_400, 1_800, 'completed'],
      [0, 1_700, 2_100, 'completed'],
      [1, 1_800, 2_200, 'completed'],
      [0, 2_100, 2_500, 'completed'],
      [1, 2_200, 2_500, 'interrupted'],
      [0, 2_500, 2_900, 'completed'],
      // The end of the stages is the graceful stop (0 here), not a ramp-down.
      [0, 2_900, 3_000, 'interrupted'],
    ]);
    expect(h.active).toEqual([
      { atMs: 500, vus: 1 },
      { atMs: 1_000, vus: 2 },
      { atMs: 2_500, vus: 1 },
      { atMs: 3_000, vus: 0 },
    ]);
  });

  it('lets a released VU finish its iteration within gracefulRampDown, then start no other', async () => {
    const h = harness(scenario(0, upHoldDown, 300), 2, lasting(400));
    await h.run(rampingVus);
    expect(timeline(h.iterations).filter(([vu]) => vu === 1).slice(-2)).toEqual([
      [1, 1_800, 2_200, 'completed'],
      [1, 2_200, 2_600, 'completed'],
    ]);
    expect(h.active).toContainEqual({ atMs: 2_600, vus: 1 });
  });

  it('interrupts a released VU whose iteration outlasts gracefulRampDown', async () => {
    const h = harness(scenario(0, upHoldDown, 300, 5_000), 2, lasting(1_000));
    expect(await h.run(rampingVus)).toBe(3_500);
    expect(timeline(h.iterations)).toEqual([
      [0, 500, 1_500, 'completed'],
      [1, 1_000, 2_000, 'completed'],
      [0, 1_500, 2_500, 'completed'],
      [1, 2_000, 2_800, 'interrupted'],
      [0, 2_500, 3_500, 'completed'],
    ]);
  });

  it('keeps a released VU looping when the target climbs back before its iteration ends', async () => {
    // 2 VUs, down to 1 at 1000 ms, back to 2 at 1200 ms, end at 2200 ms.
    const stages: [number, number][] = [
      [1_000, 2],
      [0, 1],
      [200, 1],
      [0, 2],
      [1_000, 2],
    ];
    const h = harness(scenario(2, stages, 1_000), 2, lasting(700));
    expect(await h.run(rampingVus)).toBe(2_200);
    expect(timeline(h.iterations)).toEqual([
      [0, 0, 700, 'completed'],
      [1, 0, 700, 'completed'],
      [0, 700, 1_400, 'completed'],
      [1, 700, 1_400, 'completed'],
      [0, 1_400, 2_100, 'completed'],
      [1, 1_400, 2_100, 'completed'],
      [0, 2_100, 2_200, 'interrupted'],
      [1, 2_100, 2_200, 'interrupted'],
    ]);
    expect(h.active).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 0, vus: 2 },
      { atMs: 2_200, vus: 1 },
      { atMs: 2_200, vus: 0 },
    ]);
  });

  it('restarts a VU released and wanted again after its iteration ended', async () => {
    const stages: [number, number][] = [
      [1_000, 1],
      [0, 0],
      [500, 0],
      [0, 1],
      [500, 1],
    ];
    const h = harness(scenario(1, stages, 0), 1, lasting(300));
    await h.run(rampingVus);
    expect(timeline(h.iterations).map(([, start, end, result]) => [start, end, result])).toEqual([
      [0, 300, 'completed'],
      [300, 600, 'completed'],
      [600, 900, 'completed'],
      [900, 1_000, 'interrupted'],
      [1_500, 1_800, 'completed'],
      [1_800, 2_000, 'interrupted'],
    ]);
    expect(h.active).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 1_000, vus: 0 },
      { atMs: 1_500, vus: 1 },
      { atMs: 2_000, vus: 0 },
    ]);
  });

  it('lets iterations finish within gracefulStop after the last stage', async () => {
    const h = harness(scenario(0, [[3_000, 3]], 0, 10_000), 3, lasting(5_000));
    expect(await h.run(rampingVus)).toBe(7_000);
    // The third VU would join at the very end: the stages are over, so it does not.
    expect(timeline(h.iterations)).toEqual([
      [0, 1_000, 6_000, 'completed'],
      [1, 2_000, 7_000, 'completed'],
    ]);
  });

  it('stops everything at once when the run is aborted', async () => {
    const h = harness(scenario(2, [[10_000, 2]], 30_000, 30_000), 2, lasting(1_000));
    const running = h.start(rampingVus);
    await h.clock.advance(1_500);
    h.abort.abort();
    await h.clock.advance();
    expect(running.endedAt).toBe(1_500);
    expect(h.clock.pendingTimers).toBe(0);
    expect(timeline(h.iterations).slice(-2)).toEqual([
      [0, 1_000, 1_500, 'interrupted'],
      [1, 1_000, 1_500, 'interrupted'],
    ]);
  });
});
