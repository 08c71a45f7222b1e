import { describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { EXECUTOR_NAMES, planScenarios } from '../../../src/options/scenarios.js';
import type { ScriptOptions } from '../../../src/types.js';

const shortcut = { name: 'default', startTimeMs: 0, gracefulStopMs: 30_000, exec: 'default', env: {}, tags: {} };
const common = (name: string): typeof shortcut => ({ ...shortcut, name });

describe('planScenarios: shortcuts', () => {
  it.each<[string, ScriptOptions, unknown]>([
    ['nothing: 1 iteration of 1 VU', {}, { ...shortcut, executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 }],
    ['vus alone: one iteration per VU', { vus: 4 }, { ...shortcut, executor: 'shared-iterations', vus: 4, iterations: 4, maxDurationMs: 600_000 }],
    ['duration', { duration: '30s' }, { ...shortcut, executor: 'constant-vus', vus: 1, durationMs: 30_000 }],
    ['duration + vus', { duration: '1m', vus: 10 }, { ...shortcut, executor: 'constant-vus', vus: 10, durationMs: 60_000 }],
    ['iterations', { iterations: 5 }, { ...shortcut, executor: 'shared-iterations', vus: 1, iterations: 5, maxDurationMs: 600_000 }],
    [
      'iterations + vus + duration: duration is maxDuration',
      { iterations: 20, vus: 4, duration: '10s' },
      { ...shortcut, executor: 'shared-iterations', vus: 4, iterations: 20, maxDurationMs: 10_000 },
    ],
    [
      'stages',
      { stages: [{ duration: '10s', target: 5 }, { duration: '500ms', target: 0 }] },
      {
        ...shortcut,
        executor: 'ramping-vus',
        startVUs: 1,
        stages: [
          { durationMs: 10_000, target: 5 },
          { durationMs: 500, target: 0 },
        ],
        gracefulRampDownMs: 30_000,
      },
    ],
    [
      'stages + vus: vus is startVUs',
      { vus: 3, stages: [{ duration: '1s', target: 0 }] },
      { ...shortcut, executor: 'ramping-vus', startVUs: 3, stages: [{ durationMs: 1_000, target: 0 }], gracefulRampDownMs: 30_000 },
    ],
    ['empty stages count as not set', { stages: [] }, { ...shortcut, executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 }],
    ['empty scenarios count as not set', { scenarios: {}, vus: 2 }, { ...shortcut, executor: 'shared-iterations', vus: 2, iterations: 2, maxDurationMs: 600_000 }],
    ['null counts as not set', { vus: 2, duration: null } as unknown as ScriptOptions, { ...shortcut, executor: 'shared-iterations', vus: 2, iterations: 2, maxDurationMs: 600_000 }],
  ])('%s', (_name, options, scenario) => {
    expect(planScenarios(options)).toEqual([scenario]);
  });

  const scenarios: ScriptOptions['scenarios'] = { other: { executor: 'constant-vus', duration: '5s' } };

  it.each<[string, ScriptOptions, string]>([
    ['iterations win over duration and stages', { iterations: 3, duration: '5s', stages: [{ duration: '1s', target: 1 }] }, 'shared-iterations'],
    ['duration wins over stages', { duration: '5s', stages: [{ duration: '1s', target: 1 }] }, 'constant-vus'],
    ['a shortcut wins over scenarios (a CLI flag overriding the script)', { duration: '5s', scenarios }, 'constant-vus'],
    ['stages win over scenarios', { stages: [{ duration: '1s', target: 1 }], scenarios }, 'ramping-vus'],
  ])('%s', (_name, options, executor) => {
    const planned = planScenarios(options);
    expect(planned.map((s) => [s.name, s.executor])).toEqual([['default', executor]]);
  });

  it('vus alone does not override scenarios (as in k6)', () => {
    expect(planScenarios({ vus: 50, scenarios }).map((s) => s.name)).toEqual(['other']);
  });
});

describe('planScenarios: scenarios', () => {
  it('applies each executor defaults, in the order written', () => {
    const planned = planScenarios({
      scenarios: {
        cv: { executor: 'constant-vus', duration: '10s' },
        rv: { executor: 'ramping-vus', stages: [{ duration: '5s', target: 3 }] },
        pvi: { executor: 'per-vu-iterations' },
        si: { executor: 'shared-iterations' },
        car: { executor: 'constant-arrival-rate', rate: 5, duration: '1m', preAllocatedVUs: 2 },
        rar: { executor: 'ramping-arrival-rate', stages: [{ duration: '5s', target: 10 }], preAllocatedVUs: 3 },
      },
    });
    expect(planned).toEqual([
      { ...common('cv'), executor: 'constant-vus', vus: 1, durationMs: 10_000 },
      { ...common('rv'), executor: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 5_000, target: 3 }], gracefulRampDownMs: 30_000 },
      { ...common('pvi'), executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 },
      { ...common('si'), executor: 'shared-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 },
      { ...common('car'), executor: 'constant-arrival-rate', rate: 5, timeUnitMs: 1_000, durationMs: 60_000, preAllocatedVUs: 2, maxVUs: 2 },
      {
        ...common('rar'),
        executor: 'ramping-arrival-rate',
        startRate: 0,
        timeUnitMs: 1_000,
        stages: [{ durationMs: 5_000, target: 10 }],
        preAllocatedVUs: 3,
        maxVUs: 3,
      },
    ]);
  });

  it('reads every option that is set', () => {
    const planned = planScenarios({
      scenarios: {
        'ws_flood-2': {
          executor: 'constant-arrival-rate',
          rate: 30,
          timeUnit: '1m',
          duration: '2m',
          preAllocatedVUs: 5,
          maxVUs: 50,
          startTime: '30s',
          gracefulStop: '5s',
          exec: 'flood',
          env: { TARGET: 'ws://127.0.0.1' },
          tags: { kind: 'flood' },
        },
        ramp: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1m', target: 10 }], gracefulRampDown: '0s', gracefulStop: '0s' },
      },
    });
    expect(planned).toEqual([
      {
        name: 'ws_flood-2',
        startTimeMs: 30_000,
        gracefulStopMs: 5_000,
        exec: 'flood',
        env: { TARGET: 'ws://127.0.0.1' },
        tags: { kind: 'flood' },
        executor: 'constant-arrival-rate',
        rate: 30,
        timeUnitMs: 60_000,
        durationMs: 120_000,
        preAllocatedVUs: 5,
        maxVUs: 50,
      },
      { ...common('ramp'), gracefulStopMs: 0, executor: 'ramping-vus', startVUs: 0, stages: [{ durationMs: 60_000, target: 10 }], gracefulRampDownMs: 0 },
    ]);
  });

  it('reads plain numbers as milliseconds, as k6 does', () => {
    const options = { scenarios: { n: { executor: 'per-vu-iterations', maxDuration: 1_500, gracefulStop: 0 } } } as unknown as ScriptOptions;
    expect(planScenarios(options)).toEqual([{ ...common('n'), gracefulStopMs: 0, executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 1_500 }]);
  });

  it('lists the six executors', () => {
    expect(EXECUTOR_NAMES).toEqual([
      'constant-vus',
      'ramping-vus',
      'per-vu-iterations',
      'shared-iterations',
      'constant-arrival-rate',
      'ramping-arrival-rate',
    ]);
  });
});

describe('planScenarios: errors name the option, the value and what is allowed', () => {
  const executors = 'constant-vus, ramping-vus, per-vu-iterations, shared-iterations, constant-arrival-rate, ramping-arrival-rate';
  const scenario = (config: Record<string, unknown>): ScriptOptions => ({ scenarios: { main: config } }) as unknown as ScriptOptions;

  it.each<[string, unknown, string]>([
    // Top-level options and shortcuts.
    ['options.vus negative', { vus: -1 }, 'options.vus: invalid value -1; use a non-negative integer'],
    ['options.vus fractional', { vus: 1.5 }, 'options.vus: invalid value 1.5; use a non-negative integer'],
    ['options.vus a string', { vus: '10' }, 'options.vus: invalid value "10"; use a non-negative integer'],
    ['options.vus 0 with duration', { vus: 0, duration: '10s' }, 'options.vus: invalid value 0; use an integer >= 1 with duration, iterations or alone'],
    ['options.vus 0 alone', { vus: 0 }, 'options.vus: invalid value 0; use an integer >= 1 with duration, iterations or alone'],
    ['options.iterations 0', { iterations: 0 }, 'options.iterations: invalid value 0; use an integer >= 1'],
    ['options.iterations below vus', { iterations: 2, vus: 5 }, 'options.iterations: invalid value 2; use at least as many iterations as options.vus (5)'],
    ['options.duration invalid', { duration: '10x' }, 'options.duration: invalid duration "10x"; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")'],
    ['options.duration 0', { duration: '0s' }, 'options.duration: invalid value "0s"; use a duration above 0, such as "30s"'],
    ['options.duration with iterations', { iterations: 1, duration: 'soon' }, 'options.duration: invalid duration "soon"; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")'],
    ['options.stages not an array', { stages: '1m' }, 'options.stages: invalid value "1m"; use an array of { duration, target }'],
    ['a stage without duration', { stages: [{ duration: '1s', target: 1 }, { target: 2 }] }, 'options.stages[1]: missing duration; it needs a duration such as "30s"'],
    ['a stage without target', { stages: [{ duration: '1s' }] }, 'options.stages[0]: missing target; it needs a target number of VUs'],
    ['a stage with a negative target', { stages: [{ duration: '1s', target: -2 }] }, 'options.stages[0].target: invalid value -2; use a non-negative integer'],
    ['a stage with a bad duration', { stages: [{ duration: '1 minute', target: 2 }] }, 'options.stages[0].duration: invalid duration "1 minute"; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")'],
    ['a stage that is not an object', { stages: ['1s'] }, 'options.stages[0]: invalid value "1s"; use an object { duration, target }'],
    ['a stage with an unknown key', { stages: [{ duration: '1s', target: 1, vus: 2 }] }, 'options.stages[0]: unknown option "vus" for a stage; allowed: duration, target'],
    ['stages that never have a VU', { vus: 0, stages: [{ duration: '1s', target: 0 }] }, 'options: vus and every stage target are 0; at least one of them must be above 0'],
    ['scenarios not an object', { scenarios: [] }, 'options.scenarios: invalid value []; use an object of named scenarios'],
    // Scenarios.
    ['a bad scenario name', { scenarios: { 'my scenario': { executor: 'constant-vus', duration: '1s' } } }, 'options.scenarios: invalid scenario name "my scenario"; use letters, digits, "_" and "-" only'],
    ['a scenario that is not an object', { scenarios: { main: 'constant-vus' } }, 'options.scenarios.main: invalid value "constant-vus"; use an object with an executor and its options'],
    ['no executor', scenario({ vus: 1 }), `options.scenarios.main: missing executor; use one of: ${executors}`],
    ['an unknown executor', scenario({ executor: 'externally-controlled' }), `options.scenarios.main.executor: invalid value "externally-controlled"; use one of: ${executors}`],
    [
      'an unknown key',
      scenario({ executor: 'constant-vus', duration: '1s', iterations: 3 }),
      'options.scenarios.main: unknown option "iterations" for executor constant-vus; allowed: executor, startTime, gracefulStop, exec, env, tags, vus, duration',
    ],
    ['constant-vus without duration', scenario({ executor: 'constant-vus', vus: 2 }), 'options.scenarios.main: missing duration; it needs a duration such as "30s"'],
    ['constant-vus with 0 VUs', scenario({ executor: 'constant-vus', vus: 0, duration: '1s' }), 'options.scenarios.main.vus: invalid value 0; use an integer >= 1'],
    ['ramping-vus without stages', scenario({ executor: 'ramping-vus' }), 'options.scenarios.main: missing stages; it needs at least one stage of { duration, target }'],
    ['ramping-vus with empty stages', scenario({ executor: 'ramping-vus', stages: [] }), 'options.scenarios.main.stages: invalid value []; use a non-empty array of { duration, target }'],
    ['a scenario stage without duration', scenario({ executor: 'ramping-vus', stages: [{ target: 2 }] }), 'options.scenarios.main.stages[0]: missing duration; it needs a duration such as "30s"'],
    ['ramping-vus with no VU ever', scenario({ executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 0 }] }), 'options.scenarios.main: startVUs and every stage target are 0; at least one of them must be above 0'],
    ['per-vu-iterations with 0 iterations', scenario({ executor: 'per-vu-iterations', iterations: 0 }), 'options.scenarios.main.iterations: invalid value 0; use an integer >= 1'],
    ['shared-iterations fewer than vus', scenario({ executor: 'shared-iterations', vus: 10, iterations: 5 }), 'options.scenarios.main.iterations: invalid value 5; use at least as many iterations as vus (10)'],
    ['shared-iterations defaults fewer than vus', scenario({ executor: 'shared-iterations', vus: 2 }), 'options.scenarios.main.iterations: invalid value 1; use at least as many iterations as vus (2)'],
    ['maxDuration 0', scenario({ executor: 'shared-iterations', maxDuration: '0s' }), 'options.scenarios.main.maxDuration: invalid value "0s"; use a duration above 0, such as "30s"'],
    ['constant-arrival-rate without rate', scenario({ executor: 'constant-arrival-rate', duration: '1s', preAllocatedVUs: 1 }), 'options.scenarios.main: missing rate; it needs a number of iterations per timeUnit'],
    ['constant-arrival-rate with rate 0', scenario({ executor: 'constant-arrival-rate', rate: 0, duration: '1s', preAllocatedVUs: 1 }), 'options.scenarios.main.rate: invalid value 0; use an integer >= 1'],
    ['without preAllocatedVUs', scenario({ executor: 'constant-arrival-rate', rate: 1, duration: '1s' }), 'options.scenarios.main: missing preAllocatedVUs; it needs a number of VUs to initialise'],
    ['maxVUs below preAllocatedVUs', scenario({ executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 5, maxVUs: 2 }), 'options.scenarios.main.maxVUs: invalid value 2; use an integer >= preAllocatedVUs (5)'],
    ['timeUnit 0', scenario({ executor: 'constant-arrival-rate', rate: 1, timeUnit: '0s', duration: '1s', preAllocatedVUs: 1 }), 'options.scenarios.main.timeUnit: invalid value "0s"; use a duration above 0, such as "30s"'],
    ['a negative startRate', scenario({ executor: 'ramping-arrival-rate', startRate: -1, stages: [{ duration: '1s', target: 1 }], preAllocatedVUs: 1 }), 'options.scenarios.main.startRate: invalid value -1; use a non-negative integer'],
    ['a rate stage without target', scenario({ executor: 'ramping-arrival-rate', stages: [{ duration: '1s' }], preAllocatedVUs: 1 }), 'options.scenarios.main.stages[0]: missing target; it needs a target number of iterations per timeUnit'],
    ['a negative startTime', scenario({ executor: 'per-vu-iterations', startTime: '-5s' }), 'options.scenarios.main.startTime: invalid duration "-5s"; a duration cannot be negative'],
    ['a bad gracefulStop', scenario({ executor: 'per-vu-iterations', gracefulStop: true }), 'options.scenarios.main.gracefulStop: invalid duration true; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")'],
    ['an empty exec', scenario({ executor: 'per-vu-iterations', exec: '' }), 'options.scenarios.main.exec: invalid value ""; use a non-empty string'],
    ['env not an object', scenario({ executor: 'per-vu-iterations', env: 'A=1' }), 'options.scenarios.main.env: invalid value "A=1"; use an object of string values'],
    ['a tag that is not a string', scenario({ executor: 'per-vu-iterations', tags: { n: 1 } }), 'options.scenarios.main.tags.n: invalid value 1; use a string'],
  ])('%s', (_name, options, message) => {
    let caught: unknown;
    try {
      planScenarios(options as ScriptOptions);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WskError);
    const error = caught as WskError;
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(104);
    expect(error.code).toBe(message.includes('invalid duration') ? 'INVALID_DURATION' : 'INVALID_OPTION');
  });
});
