/**
 * A hand-made RunResults for tests of outputs that read results (HTML report, and any other): a
 * one-minute run with several trends (ws_req_ttfr broken down by name, ws_connecting,
 * http_req_duration, iteration_duration, a custom trend), counters, a rate, a gauge, passed and
 * failed thresholds, checks (one named like an HTML injection), and errors of several kinds. Time
 * series values are whole formulas of the bucket index, so tests can state them exactly.
 */
import type { CheckResult, RunResults, SeriesColumns, ThresholdResult } from '../../../src/results/types.js';
import type { Tags, ValueKind } from '../../../src/types.js';

export const FIXTURE_BUCKETS = 60;
export const FIXTURE_START_MS = Date.UTC(2025, 0, 15, 9, 30, 0);
export const INJECTED_CHECK = '<img src=x onerror=alert(1)>';
export const SCRIPT_CLOSING_CHECK = '</script><!-- closes early?';

export type FixtureOutcome = 'passed' | 'failed';

/** Failed: two of four thresholds failed, exit code 99. Passed: all four held, exit code 0. */
export function fixtureResults(outcome: FixtureOutcome = 'failed'): RunResults {
  const failed = outcome === 'failed';
  return {
    format: 'wsk-results/1',
    wsk: { version: '0.1.0', node: 'v20.20.2' },
    script: 'examples/chat.ts',
    startedAt: new Date(FIXTURE_START_MS).toISOString(),
    endedAt: new Date(FIXTURE_START_MS + 60_250).toISOString(),
    durationMs: 60_250,
    exitCode: failed ? 99 : 0,
    stoppedBy: '',
    options: { scenarios: { chat: { executor: 'ramping-vus', stages: [{ duration: '10s', target: 20 }] } } },
    thresholds: thresholds(failed),
    checks: CHECKS,
    metrics: METRICS,
    errors: [
      { metric: 'ws_errors', kind: { error: 'refused' }, count: 12 },
      { metric: 'ws_errors', kind: { error: 'handshake_status', status: '403' }, count: 3 },
      { metric: 'http_req_failed', kind: { error_code: '1212' }, count: 4 },
    ],
    timeSeries: { bucketMs: 1000, startMs: FIXTURE_START_MS, buckets: FIXTURE_BUCKETS, series: SERIES },
  };
}

function thresholds(failed: boolean): ThresholdResult[] {
  const threshold = (key: string, expression: string, ok: boolean, observed: number | null): ThresholdResult => ({
    metric: key.split('{', 1)[0] ?? key,
    key,
    expression,
    ok,
    observed,
    abortOnFail: false,
  });
  return [
    threshold('ws_req_ttfr', failed ? 'p(95)<100' : 'p(95)<300', !failed, 160.5),
    threshold('ws_req_ttfr{name:login}', 'p(99)<500', true, 412.25),
    threshold('http_req_failed', failed ? 'rate<0.01' : 'rate<0.05', !failed, 0.02),
    threshold('iterations', 'count>100', true, 1180),
  ];
}

const CHECKS: CheckResult[] = [
  { group: '', name: 'connected', passes: 1180, fails: 0 },
  { group: '::login', name: 'status is 200', passes: 95, fails: 5 },
  { group: '', name: INJECTED_CHECK, passes: 1, fails: 0 },
  { group: '::chat::replies', name: SCRIPT_CLOSING_CHECK, passes: 0, fails: 2 },
];

const METRICS: RunResults['metrics'] = {
  vus: { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: 20 } },
  iterations: { type: 'counter', contains: 'default', values: { count: 1180, rate: 19.585062 } },
  checks: { type: 'rate', contains: 'default', values: { rate: 0.99445, passes: 1276, fails: 7 } },
  data_sent: { type: 'counter', contains: 'data', values: { count: 354_000, rate: 5875.5 } },
  data_received: { type: 'counter', contains: 'data', values: { count: 12_400_000, rate: 205_809.13 } },
  ws_msgs_sent: { type: 'counter', contains: 'default', values: { count: 2360, rate: 39.17 } },
  ws_msgs_received: { type: 'counter', contains: 'default', values: { count: 4720, rate: 78.34 } },
  ws_errors: { type: 'counter', contains: 'default', values: { count: 15, rate: 0.248963 } },
  http_reqs: { type: 'counter', contains: 'default', values: { count: 200, rate: 3.319502 } },
  http_req_failed: { type: 'rate', contains: 'default', values: { rate: 0.02, passes: 4, fails: 196 } },
  ws_req_ttfr: {
    type: 'trend',
    contains: 'time',
    values: { avg: 61.25, min: 0.75, med: 55, max: 1530.5, 'p(90)': 140.25, 'p(95)': 160.5, count: 2360 },
  },
  'ws_req_ttfr{name:login}': {
    type: 'trend',
    contains: 'time',
    values: { avg: 150.5, min: 20, med: 140, max: 650, 'p(90)': 380, 'p(95)': 400.5, count: 100 },
  },
  ws_connecting: { type: 'trend', contains: 'time', values: { avg: 3.5, min: 1.25, med: 3, max: 41, 'p(90)': 6, 'p(95)': 8.5, count: 120 } },
  http_req_duration: {
    type: 'trend',
    contains: 'time',
    values: { avg: 24.5, min: 4, med: 20, max: 310, 'p(90)': 45, 'p(95)': 60, count: 200 },
  },
  iteration_duration: {
    type: 'trend',
    contains: 'time',
    values: { avg: 1012.5, min: 1000.25, med: 1010, max: 2100, 'p(90)': 1030, 'p(95)': 1041, count: 1180 },
  },
  queue_depth: { type: 'trend', contains: 'default', values: { avg: 4.5, min: 0, med: 4, max: 19, 'p(90)': 9, 'p(95)': 11, count: 590 } },
};

/** Active VUs: up to 20 in the first 10 s, down to 0 in the last 10 s. */
export function fixtureVus(i: number): number {
  if (i < 10) return 2 * (i + 1);
  return i >= 50 ? 2 * (59 - i) : 20;
}

const column = (value: (i: number) => number | null): (number | null)[] => Array.from({ length: FIXTURE_BUCKETS }, (_, i) => value(i));

function counter(metric: string, contains: ValueKind, tags: Tags, sum: (i: number) => number | null): SeriesColumns {
  return { metric, type: 'counter', contains, tags, sum: column(sum) };
}

/**
 * A trend whose percentiles grow with the load, `perVu` samples per VU and bucket; no samples in
 * bucket 0 (the first VU is still connecting).
 */
function trend(metric: string, tags: Tags, base: number, options: { contains?: ValueKind; perVu?: number } = {}): SeriesColumns {
  const at = (factor: number) => (i: number) => (i === 0 ? null : base * factor + fixtureVus(i));
  return {
    metric,
    type: 'trend',
    contains: options.contains ?? 'time',
    tags,
    count: column((i) => (i === 0 ? null : (options.perVu ?? 2) * fixtureVus(i))),
    avg: column(at(1.1)),
    min: column(at(0.5)),
    p50: column(at(1)),
    p90: column(at(1.5)),
    p95: column(at(2)),
    p99: column(at(3)),
    max: column(at(4)),
  };
}

const SERIES: SeriesColumns[] = [
  { metric: 'vus', type: 'gauge', contains: 'default', tags: {}, value: column(fixtureVus) },
  counter('iterations', 'default', {}, fixtureVus),
  counter('ws_msgs_sent', 'default', {}, (i) => 2 * fixtureVus(i)),
  counter('ws_msgs_received', 'default', {}, (i) => 4 * fixtureVus(i)),
  counter('http_reqs', 'default', {}, (i) => (i < 20 ? 10 : null)),
  trend('ws_req_ttfr', {}, 50),
  trend('ws_req_ttfr', { name: 'login' }, 150, { perVu: 1 }),
  trend('ws_req_ttfr', { name: 'chat' }, 40, { perVu: 3 }),
  trend('ws_connecting', {}, 3),
  trend('http_req_duration', {}, 20),
  trend('iteration_duration', {}, 1000),
  trend('queue_depth', {}, 4, { contains: 'default' }),
  counter('ws_errors', 'default', {}, (i) => (i % 5 === 0 ? 1 : 0) + (i % 20 === 0 ? 1 : 0)),
  counter('ws_errors', 'default', { error: 'refused' }, (i) => (i % 5 === 0 ? 1 : null)),
  counter('ws_errors', 'default', { error: 'handshake_status' }, (i) => (i % 20 === 0 ? 1 : null)),
  { metric: 'http_req_failed', type: 'rate', contains: 'default', tags: {}, passes: column((i) => (i < 4 ? 1 : 0)), samples: column(() => 10) },
  {
    metric: 'http_req_failed',
    type: 'rate',
    contains: 'default',
    tags: { error_code: '1212' },
    passes: column((i) => (i < 4 ? 1 : null)),
    samples: column((i) => (i < 4 ? 1 : null)),
  },
  // A kind that never occurred: the errors panel leaves it out.
  { metric: 'http_req_failed', type: 'rate', contains: 'default', tags: { error_code: '1000' }, passes: column(() => 0), samples: column(() => 1) },
  counter('data_sent', 'data', {}, (i) => 300 * fixtureVus(i)),
  counter('data_received', 'data', {}, (i) => 10_500 * fixtureVus(i)),
  { metric: 'checks', type: 'rate', contains: 'default', tags: {}, passes: column(() => 21), samples: column(() => 21) },
];
