import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Metric } from '../../../src/metrics/builtin.js';
import { WsMetric } from '../../../src/protocols/ws/metrics.js';
import { HttpMetric } from '../../../src/protocols/http/metrics.js';
import { TrendHistogram, type EncodedTrend } from '../../../src/metrics/hdr.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { buildRunResults, RESULT_TREND_STATS } from '../../../src/results/build.js';
import type { TimeSeries } from '../../../src/results/types.js';
import { buildSummaryData } from '../../../src/summary/data.js';
import { evaluateThresholds, parseThresholds } from '../../../src/thresholds/index.js';
import type { Tags } from '../../../src/types.js';

const registry = new MetricRegistry();
const ELAPSED_MS = 2000;

function runStore(): MetricStore {
  const aggregator = new SampleAggregator();
  const add = (name: string, value: number, tags: Tags): void => {
    const definition = registry.get(name);
    if (definition === undefined) throw new Error(`no metric ${name}`);
    aggregator.add(definition, value, tags);
  };
  add(HttpMetric.reqDuration, 100, { name: 'login' });
  add(HttpMetric.reqDuration, 300, { name: 'login' });
  add(HttpMetric.reqDuration, 200, { name: 'chat' });
  add(HttpMetric.reqDuration, 400, { name: 'chat' });
  add(HttpMetric.reqFailed, 1, { error_code: '1404', name: 'login' });
  add(HttpMetric.reqFailed, 1, { error_code: '1404', name: 'chat' });
  add(HttpMetric.reqFailed, 1, { error_code: '1050' });
  add(HttpMetric.reqFailed, 0, {});
  add(HttpMetric.reqFailed, 1, {});
  add(WsMetric.errors, 1, { error: 'refused', scenario: 'chat' });
  add(WsMetric.errors, 2, { error: 'handshake_status', status: '403', scenario: 'login' });
  add(WsMetric.errors, 1, { error: 'closed_abnormally', close_code: '1006' });
  add(Metric.checks, 1, { check: 'status 200', group: '' });
  add(Metric.checks, 1, { check: 'status 200', group: '' });
  add(Metric.checks, 0, { check: 'status 200', group: '' });
  add(Metric.checks, 1, { check: 'token', group: '::login' });
  add(Metric.iterations, 4, {});
  const store = new MetricStore(registry);
  store.merge(aggregator.drain());
  return store;
}

const THRESHOLDS = {
  http_req_duration: ['p(95)<350', { threshold: 'avg<1000', abortOnFail: true }],
  'http_req_duration{name:login}': 'max<200',
  'ws_errors{scenario:chat}': 'count<1',
  ws_connecting: 'p(95)<100',
};

const TIME_SERIES: TimeSeries = { bucketMs: 1000, startMs: 1_700_000_000_000, buckets: 0, series: [] };

function encodedOf(...values: number[]): EncodedTrend {
  const histogram = new TrendHistogram();
  for (const value of values) histogram.record(value);
  return histogram.encode();
}

function results() {
  const store = runStore();
  const specs = parseThresholds(THRESHOLDS, (name) => registry.get(name));
  const outcomes = evaluateThresholds(specs, (metric, tags) => store.snapshot(metric, tags, ELAPSED_MS));
  const summary = buildSummaryData({ store, elapsedMs: ELAPSED_MS, thresholds: outcomes, noColor: true, isStdOutTTY: false, isStdErrTTY: false });
  const histograms: Record<string, EncodedTrend> = {
    http_req_duration: encodedOf(100, 200, 300, 400),
    'http_req_duration{"name":"login"}': encodedOf(100, 300),
    ws_connecting: encodedOf(),
  };
  return buildRunResults({
    summary,
    store,
    thresholds: outcomes,
    timeSeries: TIME_SERIES,
    options: { thresholds: THRESHOLDS, vus: 2 },
    script: 'scripts/chat.ts',
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_002_500,
    exitCode: 99,
    stoppedBy: '',
    encodedTrend: (metric, tags) => histograms[Object.keys(tags).length === 0 ? metric : `${metric}${JSON.stringify(tags)}`],
  });
}

describe('buildRunResults', () => {
  const built = results();

  it('describes the run: format, versions, script, times, exit code, options and time series as given', () => {
    const version = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(built).toMatchObject({
      format: 'wsk-results/1',
      wsk: { version, node: process.version },
      script: 'scripts/chat.ts',
      startedAt: '2023-11-14T22:13:20.000Z',
      endedAt: '2023-11-14T22:13:22.500Z',
      durationMs: 2500,
      exitCode: 99,
      stoppedBy: '',
      options: { thresholds: THRESHOLDS, vus: 2 },
      timeSeries: TIME_SERIES,
    });
  });

  it('lists every threshold with its observed value (null without samples) and abortOnFail', () => {
    const [p95, ...rest] = built.thresholds;
    expect(p95).toMatchObject({ metric: 'http_req_duration', key: 'http_req_duration', expression: 'p(95)<350', ok: false, abortOnFail: false });
    // 300 + 0.85 × (400 - 300), within HDR precision.
    expect(Math.abs((p95?.observed ?? 0) - 385)).toBeLessThan(0.5);
    expect(rest).toEqual([
      { metric: 'http_req_duration', key: 'http_req_duration', expression: 'avg<1000', ok: true, observed: 250, abortOnFail: true },
      { metric: 'http_req_duration', key: 'http_req_duration{name:login}', expression: 'max<200', ok: false, observed: 300, abortOnFail: false },
      { metric: 'ws_errors', key: 'ws_errors{scenario:chat}', expression: 'count<1', ok: false, observed: 1, abortOnFail: false },
      { metric: 'ws_connecting', key: 'ws_connecting', expression: 'p(95)<100', ok: true, observed: null, abortOnFail: false },
    ]);
  });

  it('flattens the checks tree with group paths', () => {
    expect(built.checks).toEqual([
      { group: '', name: 'status 200', passes: 2, fails: 1 },
      { group: '::login', name: 'token', passes: 1, fails: 0 },
    ]);
  });

  it('counts ws_errors by error/status/close_code and failed HTTP requests by error_code', () => {
    expect(built.errors).toEqual([
      { metric: 'ws_errors', kind: { error: 'closed_abnormally', close_code: '1006' }, count: 1 },
      { metric: 'ws_errors', kind: { error: 'handshake_status', status: '403' }, count: 2 },
      { metric: 'ws_errors', kind: { error: 'refused' }, count: 1 },
      { metric: 'http_req_failed', kind: { error_code: '1050' }, count: 1 },
      { metric: 'http_req_failed', kind: { error_code: '1404' }, count: 2 },
      { metric: 'http_req_failed', kind: {}, count: 1 },
    ]);
  });

  it('gives trends every stat the outputs need, and their histogram when it has samples', () => {
    const duration = built.metrics['http_req_duration'];
    expect(Object.keys(duration?.values ?? {}).sort()).toEqual([...new Set([...RESULT_TREND_STATS, 'p(90)', 'p(95)'])].sort());
    expect(duration).toMatchObject({ type: 'trend', contains: 'time', values: { count: 4, avg: 250, min: 100, max: 400 } });
    expect(duration?.histogram?.count).toBe(4);
    expect(TrendHistogram.decode(duration?.histogram ?? encodedOf()).distribution().max).toBe(400);
    expect(built.metrics['http_req_duration{name:login}']).toMatchObject({ values: { count: 2, max: 300 }, histogram: { count: 2 } });
    // A threshold's metric without samples: shown as zeros, with no (empty, not JSON-safe) histogram.
    expect(built.metrics['ws_connecting']).toEqual({ type: 'trend', contains: 'time', values: { avg: 0, min: 0, med: 0, max: 0, 'p(90)': 0, 'p(95)': 0, count: 0 } });
  });

  it('keeps other metrics as the summary shows them', () => {
    expect(built.metrics['iterations']).toEqual({ type: 'counter', contains: 'default', values: { count: 4, rate: 2 } });
    expect(built.metrics['checks']).toEqual({ type: 'rate', contains: 'default', values: { rate: 0.75, passes: 3, fails: 1 } });
    expect(built.metrics['ws_errors{error:refused}']).toMatchObject({ values: { count: 1 } });
    expect(built.metrics['ws_errors{scenario:chat}']).toMatchObject({ values: { count: 1 } });
  });
});
