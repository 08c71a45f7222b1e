import { describe, expect, it } from 'vitest';
import { executionPlan, maxVus, scenarioDurationMs, scenarioEndMs } from '../../../src/executors/plan.js';
import type { PlannedScenario } from '../../../src/types.js';

const base = { name: 'plan', startTimeMs: 0, gracefulStopMs: 30_000, exec: 'default', env: {}, tags: {} } as const;

const constantVus: PlannedScenario = { ...base, executor: 'constant-vus', vus: 5, durationMs: 30_000 };
const sharedIterations: PlannedScenario = { ...base, executor: 'shared-iterations', vus: 3, iterations: 30, maxDurationMs: 600_000 };
const perVuIterations: PlannedScenario = { ...base, executor: 'per-vu-iterations', vus: 4, iterations: 2, maxDurationMs: 60_000 };
const constantArrivalRate: PlannedScenario = {
  ...base,
  gracefulStopMs: 0,
  startTimeMs: 5_000,
  executor: 'constant-arrival-rate',
  rate: 10,
  timeUnitMs: 1_000,
  durationMs: 60_000,
  preAllocatedVUs: 5,
  maxVUs: 20,
};
const rampingArrivalRate: PlannedScenario = {
  ...base,
  executor: 'ramping-arrival-rate',
  startRate: 0,
  timeUnitMs: 1_000,
  stages: [
    { durationMs: 1_000, target: 10 },
    { durationMs: 2_000, target: 0 },
  ],
  preAllocatedVUs: 2,
  maxVUs: 2,
};

function rampingVus(gracefulRampDownMs: number, gracefulStopMs: number, startVUs: number, stages: [number, number][]): PlannedScenario {
  return {
    ...base,
    executor: 'ramping-vus',
    gracefulStopMs,
    gracefulRampDownMs,
    startVUs,
    stages: stages.map(([durationMs, target]) => ({ durationMs, target })),
  };
}
const upAndDown = (grace: number, stop: number): PlannedScenario => rampingVus(grace, stop, 0, [[3_000, 3], [3_000, 0]]);

describe('executionPlan', () => {
  it.each([
    ['constant-vus: its VUs until the graceful stop is over', constantVus, [{ atMs: 0, vus: 5 }, { atMs: 60_000, vus: 0 }]],
    ['shared-iterations: for maxDuration', sharedIterations, [{ atMs: 0, vus: 3 }, { atMs: 630_000, vus: 0 }]],
    ['per-vu-iterations', perVuIterations, [{ atMs: 0, vus: 4 }, { atMs: 90_000, vus: 0 }]],
    ['constant-arrival-rate: all maxVUs', constantArrivalRate, [{ atMs: 0, vus: 20 }, { atMs: 60_000, vus: 0 }]],
    ['ramping-arrival-rate', rampingArrivalRate, [{ atMs: 0, vus: 2 }, { atMs: 33_000, vus: 0 }]],
    [
      'ramping-vus without graceful periods: the ramp itself',
      upAndDown(0, 0),
      [
        { atMs: 0, vus: 0 },
        { atMs: 1_000, vus: 1 },
        { atMs: 2_000, vus: 2 },
        { atMs: 3_000, vus: 3 },
        { atMs: 4_000, vus: 2 },
        { atMs: 5_000, vus: 1 },
        { atMs: 6_000, vus: 0 },
      ],
    ],
    [
      'ramping-vus: ramped-down VUs stay planned for gracefulRampDown, all of them until the graceful stop ends',
      upAndDown(1_500, 500),
      [
        { atMs: 0, vus: 0 },
        { atMs: 1_000, vus: 1 },
        { atMs: 2_000, vus: 2 },
        { atMs: 3_000, vus: 3 },
        { atMs: 5_500, vus: 2 },
        { atMs: 6_500, vus: 0 },
      ],
    ],
    [
      'ramping-vus: a drop shorter than gracefulRampDown is planned as no drop',
      rampingVus(3_000, 0, 10, [[1_000, 10], [0, 2], [1_000, 2], [0, 8], [2_000, 8]]),
      [
        { atMs: 0, vus: 10 },
        { atMs: 4_000, vus: 0 },
      ],
    ],
    [
      'ramping-vus: a longer drop shows after gracefulRampDown',
      rampingVus(500, 0, 10, [[1_000, 10], [0, 2], [1_000, 2], [0, 8], [2_000, 8]]),
      [
        { atMs: 0, vus: 10 },
        { atMs: 1_500, vus: 2 },
        { atMs: 2_000, vus: 8 },
        { atMs: 4_000, vus: 0 },
      ],
    ],
  ])('%s', (_name, scenario, plan) => {
    expect(executionPlan(scenario)).toEqual(plan);
  });

  it('plans nothing for an arrival-rate scenario without VUs', () => {
    expect(executionPlan({ ...rampingArrivalRate, preAllocatedVUs: 0, maxVUs: 0 })).toEqual([{ atMs: 0, vus: 0 }]);
  });
});

describe('maxVus, scenarioDurationMs, scenarioEndMs', () => {
  it.each([
    ['constant-vus', constantVus, 5, 30_000, 60_000],
    ['shared-iterations', sharedIterations, 3, 600_000, 630_000],
    ['per-vu-iterations', perVuIterations, 4, 60_000, 90_000],
    ['constant-arrival-rate (starting at 5s)', constantArrivalRate, 20, 60_000, 65_000],
    ['ramping-arrival-rate', rampingArrivalRate, 2, 3_000, 33_000],
    ['ramping-vus', rampingVus(0, 1_000, 2, [[1_000, 5], [1_000, 12], [1_000, 0]]), 12, 3_000, 4_000],
    ['ramping-vus starting highest', rampingVus(0, 0, 9, [[1_000, 5]]), 9, 1_000, 1_000],
  ])('%s', (_name, scenario, vus, durationMs, endMs) => {
    expect(maxVus(scenario)).toBe(vus);
    expect(scenarioDurationMs(scenario)).toBe(durationMs);
    expect(scenarioEndMs(scenario)).toBe(endMs);
  });
});
