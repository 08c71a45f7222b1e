import { describe, expect, it } from 'vitest';
import { planScenarios } from '../../../src/options/scenarios.js';
import { goDuration, testInfo } from '../../../src/run/test-info.js';
import type { ScriptOptions } from '../../../src/types.js';

describe('goDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [500, '500ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [30_000, '30s'],
    [60_000, '1m0s'],
    [90_500, '1m30.5s'],
    [600_000, '10m0s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
  ])('%i ms is %s, as Go prints a time.Duration', (ms, text) => {
    expect(goDuration(ms)).toBe(text);
  });
});

const info = (options: ScriptOptions): ReturnType<typeof testInfo> => testInfo(options, planScenarios(options));

describe('exec.test.options', () => {
  it('shows a shortcut as the scenario it became, with its defaults, and no shortcut keys', () => {
    const { options } = info({ vus: 3, iterations: 12, tags: { team: 'a' } });
    expect(options).toEqual({
      scenarios: {
        default: { executor: 'shared-iterations', startTime: '0s', gracefulStop: '30s', env: {}, exec: 'default', tags: {}, vus: 3, iterations: 12, maxDuration: '10m0s' },
      },
      tags: { team: 'a' },
      thresholds: {},
      setupTimeout: '1m0s',
      teardownTimeout: '1m0s',
      summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'],
      systemTags: expect.arrayContaining(['scenario', 'group', 'check']) as unknown,
    });
  });

  it("fills in every executor's fields, durations as k6 writes them", () => {
    const { options } = info({
      scenarios: {
        ramp: { executor: 'ramping-vus', stages: [{ duration: '90s', target: 5 }], exec: 'browse', env: { A: '1' }, tags: { flow: 'r' } },
        open: { executor: 'ramping-arrival-rate', preAllocatedVUs: 2, stages: [{ duration: '1m', target: 10 }], startTime: '5s' },
        fixed: { executor: 'constant-arrival-rate', rate: 5, duration: '2s', preAllocatedVUs: 1, timeUnit: '500ms' },
      },
      setupTimeout: '2m',
    });
    expect(options['scenarios']).toEqual({
      ramp: { executor: 'ramping-vus', startTime: '0s', gracefulStop: '30s', env: { A: '1' }, exec: 'browse', tags: { flow: 'r' }, startVUs: 1, stages: [{ duration: '1m30s', target: 5 }], gracefulRampDown: '30s' },
      open: { executor: 'ramping-arrival-rate', startTime: '5s', gracefulStop: '30s', env: {}, exec: 'default', tags: {}, startRate: 0, timeUnit: '1s', preAllocatedVUs: 2, maxVUs: 2, stages: [{ duration: '1m0s', target: 10 }] },
      fixed: { executor: 'constant-arrival-rate', startTime: '0s', gracefulStop: '30s', env: {}, exec: 'default', tags: {}, rate: 5, timeUnit: '500ms', duration: '2s', preAllocatedVUs: 1, maxVUs: 1 },
    });
    expect(options['setupTimeout']).toBe('2m0s');
  });

  it('shows thresholds as k6 does: expressions as strings, an abortOnFail one as an object', () => {
    const { options } = info({
      thresholds: { checks: 'rate>0.9', http_req_duration: ['p(95)<500', { threshold: 'p(99)<900' }, { threshold: 'max<2000', abortOnFail: true, delayAbortEval: '10s' }] },
    });
    expect(options['thresholds']).toEqual({
      checks: ['rate>0.9'],
      http_req_duration: ['p(95)<500', 'p(99)<900', { threshold: 'max<2000', abortOnFail: true, delayAbortEval: '10s' }],
    });
  });
});

describe("a scenario's progress and tags", () => {
  it('measures iterations for the iteration executors and time for the others; tags as its samples get them', () => {
    const { scenarios } = info({
      tags: { team: 'a' },
      scenarios: {
        each: { executor: 'per-vu-iterations', vus: 3, iterations: 4, tags: { flow: 'e' } },
        shared: { executor: 'shared-iterations', vus: 2, iterations: 7 },
        steady: { executor: 'constant-vus', vus: 1, duration: '3s' },
        ramp: { executor: 'ramping-vus', stages: [{ duration: '1s', target: 2 }, { duration: '2s', target: 0 }] },
      },
    });
    expect(scenarios).toEqual([
      { name: 'each', executor: 'per-vu-iterations', tags: { team: 'a', flow: 'e', scenario: 'each' }, progress: { iterations: 12 } },
      { name: 'shared', executor: 'shared-iterations', tags: { team: 'a', scenario: 'shared' }, progress: { iterations: 7 } },
      { name: 'steady', executor: 'constant-vus', tags: { team: 'a', scenario: 'steady' }, progress: { durationMs: 3_000 } },
      { name: 'ramp', executor: 'ramping-vus', tags: { team: 'a', scenario: 'ramp' }, progress: { durationMs: 3_000 } },
    ]);
  });
});
