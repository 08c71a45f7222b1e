import { describe, expect, it } from 'vitest';
import { rampingVusSteps, stagesDurationMs, vusAt } from '../../../src/executors/stages.js';
import type { StageMs } from '../../../src/types.js';

const up: StageMs[] = [{ durationMs: 10_000, target: 10 }];
const down: StageMs[] = [{ durationMs: 10_000, target: 0 }];
const thirds: StageMs[] = [{ durationMs: 1_000, target: 3 }];
// Ramp 1 → 3, jump to 10, hold, ramp down to 4.
const mixed: StageMs[] = [
  { durationMs: 1_000, target: 3 },
  { durationMs: 0, target: 10 },
  { durationMs: 2_000, target: 10 },
  { durationMs: 1_000, target: 4 },
];

describe('vusAt', () => {
  it.each([
    ['up', 0, up, 0, 0],
    ['up', 0, up, 999, 0],
    ['up', 0, up, 1_000, 1],
    ['up', 0, up, 1_500, 1],
    ['up', 0, up, 5_000, 5],
    ['up', 0, up, 9_999, 9],
    ['up', 0, up, 10_000, 10],
    ['up', 0, up, 60_000, 10],
    ['down', 10, down, 0, 10],
    ['down', 10, down, 999, 10],
    ['down', 10, down, 1_000, 9],
    ['down', 10, down, 9_999, 1],
    ['down', 10, down, 10_000, 0],
    ['thirds', 0, thirds, 333, 0],
    ['thirds', 0, thirds, 1_000 / 3, 1],
    ['thirds', 0, thirds, 666, 1],
    ['thirds', 0, thirds, 667, 2],
    ['thirds', 0, thirds, 1_000, 3],
    ['mixed', 1, mixed, 0, 1],
    ['mixed', 1, mixed, 499, 1],
    ['mixed', 1, mixed, 500, 2],
    ['mixed', 1, mixed, 999, 2],
    ['mixed', 1, mixed, 1_000, 10],
    ['mixed', 1, mixed, 2_000, 10],
    ['mixed', 1, mixed, 3_000, 10],
    ['mixed', 1, mixed, 3_166, 10],
    ['mixed', 1, mixed, 3_167, 9],
    ['mixed', 1, mixed, 3_500, 7],
    ['mixed', 1, mixed, 3_999, 5],
    ['mixed', 1, mixed, 4_000, 4],
    ['mixed', 1, mixed, 5_000, 4],
    ['no stages', 7, [], 1_000, 7],
  ])('%s from %j VUs at %j ms: %j', (_name, startVUs, stages, t, vus) => {
    expect(vusAt(startVUs, stages, t)).toBe(vus);
  });

  it('rounds the line toward the stage start value, checked exactly on every millisecond', () => {
    const ramps: [number, StageMs[]][] = [
      [0, [{ durationMs: 7_000, target: 13 }]],
      [13, [{ durationMs: 7_000, target: 2 }]],
      [3, [{ durationMs: 1_234, target: 50 }, { durationMs: 4_321, target: 1 }]],
    ];
    for (const [startVUs, stages] of ramps) {
      for (let t = 0; t <= stagesDurationMs(stages); t++) expect(vusAt(startVUs, stages, t)).toBe(exactVusAt(startVUs, stages, t));
    }
  });
});

describe('rampingVusSteps', () => {
  it('has one step per VU change, at the exact change times', () => {
    expect(rampingVusSteps(1, mixed)).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 500, vus: 2 },
      { atMs: 1_000, vus: 10 },
      { atMs: 3_000 + 1_000 / 6, vus: 9 },
      { atMs: 3_000 + 2_000 / 6, vus: 8 },
      { atMs: 3_500, vus: 7 },
      { atMs: 3_000 + 4_000 / 6, vus: 6 },
      { atMs: 3_000 + 5_000 / 6, vus: 5 },
      { atMs: 4_000, vus: 4 },
    ]);
  });

  it.each([
    ['a jump at the start replaces the start', 5, [{ durationMs: 0, target: 2 }, { durationMs: 1_000, target: 2 }], [{ atMs: 0, vus: 2 }]],
    ['a jump back to the previous value cancels out', 0, [{ durationMs: 1_000, target: 1 }, { durationMs: 0, target: 0 }], [{ atMs: 0, vus: 0 }]],
    ['a flat ramp has no change', 4, [{ durationMs: 5_000, target: 4 }], [{ atMs: 0, vus: 4 }]],
    [
      'ramping down to 0',
      2,
      [{ durationMs: 2_000, target: 0 }],
      [
        { atMs: 0, vus: 2 },
        { atMs: 1_000, vus: 1 },
        { atMs: 2_000, vus: 0 },
      ],
    ],
  ])('%s', (_name, startVUs, stages, steps) => {
    expect(rampingVusSteps(startVUs, stages)).toEqual(steps);
  });

  it('agrees with vusAt at and just before every step', () => {
    for (const [startVUs, stages] of [[1, mixed], [0, thirds], [10, down]] as const) {
      const steps = rampingVusSteps(startVUs, stages);
      steps.forEach((step, i) => {
        expect(vusAt(startVUs, stages, step.atMs)).toBe(step.vus);
        if (i > 0) expect(vusAt(startVUs, stages, step.atMs - 1e-6)).toBe(steps[i - 1]?.vus);
      });
    }
  });
});

it('stagesDurationMs sums the stages', () => {
  expect(stagesDurationMs(mixed)).toBe(4_000);
  expect(stagesDurationMs([])).toBe(0);
});

/** Reference in exact integer arithmetic: up rounds the line down, down rounds it up (integer t and durations). */
function exactVusAt(startVUs: number, stages: readonly StageMs[], t: number): number {
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    if (t < stageStart + stage.durationMs) {
      const moved = (BigInt(Math.abs(stage.target - from)) * BigInt(t - stageStart)) / BigInt(stage.durationMs);
      return from + Math.sign(stage.target - from) * Number(moved);
    }
    from = stage.target;
    stageStart += stage.durationMs;
  }
  return from;
}
