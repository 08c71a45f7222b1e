import { describe, expect, it } from 'vitest';
import { evaluateThresholds, findAbortingThreshold, parseThresholds } from '../../../src/thresholds/index.js';
import type { ThresholdOutcome, ThresholdSpec } from '../../../src/thresholds/index.js';
import type { MetricDefinition, MetricSnapshotView, MetricValues, Tags } from '../../../src/types.js';

const TREND: MetricDefinition = { name: 'http_req_duration', type: 'trend', contains: 'time' };

function fakeView(values: MetricValues): MetricSnapshotView {
  return {
    definition: TREND,
    sampleCount: 1,
    value: (method) => values[method],
    values: () => values,
  };
}

function specs(thresholds: Record<string, unknown>): ThresholdSpec[] {
  return parseThresholds(thresholds, (name) => ({ ...TREND, name }));
}

/** Evaluates one expression against http_req_duration with the given aggregates. */
function outcome(expression: string, values: MetricValues | undefined): Pick<ThresholdOutcome, 'observed' | 'ok' | 'noData'> {
  const view = values === undefined ? undefined : fakeView(values);
  const [result] = evaluateThresholds(specs({ http_req_duration: expression }), () => view);
  return { observed: result!.observed, ok: result!.ok, noData: result!.noData };
}

describe('evaluateThresholds', () => {
  it.each([
    ['avg<200', { avg: 199.5 }, 199.5, true],
    ['avg<200', { avg: 200 }, 200, false],
    ['avg<=200', { avg: 200 }, 200, true],
    ['avg<=200', { avg: 200.001 }, 200.001, false],
    ['max>10', { max: 10 }, 10, false],
    ['max>10', { max: 11 }, 11, true],
    ['min>=10', { min: 10 }, 10, true],
    ['min>=10', { min: 9.99 }, 9.99, false],
    ['med==5', { med: 5 }, 5, true],
    ['med==5', { med: 5.5 }, 5.5, false],
    ['count===3', { count: 3 }, 3, true],
    ['count===3', { count: 4 }, 4, false],
    ['p(99.9)!=0', { 'p(99.9)': 0 }, 0, false],
    ['p(99.9)!=0', { 'p(99.9)': 12 }, 12, true],
    ['p(95)<-1', { 'p(95)': -2 }, -2, true],
  ] as const)('%s with %j', (expression, values, observed, ok) => {
    expect(outcome(expression, values)).toEqual({ observed, ok, noData: false });
  });

  it.each([
    ['p(95)<500', true],
    ['count>0', false],
    ['count==0', true],
    ['avg>=0', true],
    ['avg!=0', false],
  ] as const)('%s with no samples compares 0 and reports noData', (expression, ok) => {
    expect(outcome(expression, undefined)).toEqual({ observed: 0, ok, noData: true });
  });

  it('treats an aggregate the view lacks as no data', () => {
    expect(outcome('p(99)<5', { avg: 10 })).toEqual({ observed: 0, ok: true, noData: true });
  });

  it('asks the snapshot for the metric and submetric tags, in spec order', () => {
    const asked: [string, Tags][] = [];
    const results = evaluateThresholds(
      specs({ http_req_duration: 'avg<100', 'http_req_duration{name:login}': ['p(95)<50', 'max<80'] }),
      (metric, tags) => {
        asked.push([metric, tags]);
        return fakeView(tags['name'] === 'login' ? { 'p(95)': 60, max: 70 } : { avg: 90 });
      },
    );
    expect(asked).toEqual([
      ['http_req_duration', {}],
      ['http_req_duration', { name: 'login' }],
      ['http_req_duration', { name: 'login' }],
    ]);
    expect(results.map((r) => [r.spec.key, r.spec.expression.source, r.observed, r.ok])).toEqual([
      ['http_req_duration', 'avg<100', 90, true],
      ['http_req_duration{name:login}', 'p(95)<50', 60, false],
      ['http_req_duration{name:login}', 'max<80', 70, true],
    ]);
  });
});

describe('findAbortingThreshold', () => {
  const parsed = specs({
    http_req_duration: [
      'avg<100', // fails, never aborts
      { threshold: 'p(95)<100', abortOnFail: true, delayAbortEval: '10s' }, // fails, aborts from 10 s
      { threshold: 'max<100', abortOnFail: true }, // fails only when max >= 100, aborts at once
      { threshold: 'min<100', abortOnFail: true }, // passes
    ],
  });

  function outcomes(values: MetricValues): ThresholdOutcome[] {
    return evaluateThresholds(parsed, () => fakeView(values));
  }

  it.each([
    [{ avg: 150, 'p(95)': 150, max: 50, min: 1 }, 0, undefined],
    [{ avg: 150, 'p(95)': 150, max: 50, min: 1 }, 9_999, undefined],
    [{ avg: 150, 'p(95)': 150, max: 50, min: 1 }, 10_000, 'p(95)<100'],
    [{ avg: 150, 'p(95)': 150, max: 150, min: 1 }, 0, 'max<100'],
    [{ avg: 150, 'p(95)': 150, max: 150, min: 1 }, 10_000, 'p(95)<100'],
    [{ avg: 50, 'p(95)': 50, max: 50, min: 1 }, 60_000, undefined],
  ] as const)('%j at %i ms → %s', (values, elapsedMs, source) => {
    expect(findAbortingThreshold(outcomes(values), elapsedMs)?.spec.expression.source).toBe(source);
  });

  it('returns undefined for no outcomes', () => {
    expect(findAbortingThreshold([], 1_000)).toBeUndefined();
  });
});
