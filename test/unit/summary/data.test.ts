import { describe, expect, it } from 'vitest';
import { Metric } from '../../../src/metrics/builtin.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { buildSummaryData, summaryJson, type SummaryThresholdOutcome } from '../../../src/summary/data.js';
import type { MetricDefinition, Tags } from '../../../src/types.js';

const registry = new MetricRegistry();
const definition = (name: string): MetricDefinition => registry.get(name) ?? { name, type: 'counter', contains: 'default' };

function runStore(): MetricStore {
  const aggregator = new SampleAggregator();
  const add = (name: string, value: number, tags: Tags): void => aggregator.add(definition(name), value, tags);
  for (const scenario of ['default', 'spike']) add(Metric.checks, 1, { check: 'status is 200', group: '', scenario });
  add(Metric.checks, 1, { check: 'status is 200', group: '', scenario: 'spike' });
  add(Metric.checks, 1, { check: 'body ok', group: '::login' });
  add(Metric.checks, 0, { check: 'body ok', group: '::login' });
  add(Metric.checks, 1, { check: 'body ok', group: '::login' });
  add(Metric.checks, 1, { check: 'token', group: '::login::step' });
  add(Metric.iterations, 4, { scenario: 'default' });
  add(Metric.iterationDuration, 1, { scenario: 'default' });
  add(Metric.iterationDuration, 2, { scenario: 'default' });
  add(Metric.iterationDuration, 0.5, { scenario: 'spike' });
  add(Metric.iterationDuration, 1.5, { scenario: 'spike' });
  add(Metric.dataReceived, 2048, {});
  const store = new MetricStore(registry);
  store.merge(aggregator.drain());
  store.setGauge(Metric.vus, 2, {}, 1);
  return store;
}

function outcome(key: string, metric: string, tags: Tags, source: string, ok: boolean): SummaryThresholdOutcome {
  return { spec: { key, metric, tags, expression: { source } }, ok };
}

const THRESHOLDS = [
  outcome('iteration_duration', 'iteration_duration', {}, 'p(95)<500', true),
  outcome('checks', 'checks', {}, 'rate>0.9', false),
  outcome('iteration_duration{scenario:default}', 'iteration_duration', { scenario: 'default' }, 'max<1.5', false),
  outcome('dropped_iterations', 'dropped_iterations', {}, 'count<1', true),
];

describe('buildSummaryData', () => {
  const data = buildSummaryData({
    store: runStore(),
    elapsedMs: 2000,
    thresholds: THRESHOLDS,
    noColor: true,
    isStdOutTTY: false,
    isStdErrTTY: true,
  });

  it('builds the checks tree from the checks series, by group path', () => {
    expect(data.root_group).toEqual({
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      checks: [{ name: 'status is 200', path: '::status is 200', id: '6210a8cd14cd70477eba5c5e4cb3fb5f', passes: 3, fails: 0 }],
      groups: [
        {
          name: 'login',
          path: '::login',
          id: 'a7d10b3a6c9a385ee254f0dbc7f9c8c9',
          checks: [{ name: 'body ok', path: '::login::body ok', id: 'cb238e8afd88ebe280470664eb8f19f8', passes: 2, fails: 1 }],
          groups: [
            {
              name: 'step',
              path: '::login::step',
              id: '6e4860120dbc91125e0eb46460ee216f',
              checks: [{ name: 'token', path: '::login::step::token', id: '9cd3948810fb9199e8a96b44f115d861', passes: 1, fails: 0 }],
              groups: [],
            },
          ],
        },
      ],
    });
  });

  it("has k6's options and state", () => {
    expect(data.options).toEqual({ summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: null, noColor: true });
    expect(data.state).toEqual({ isStdOutTTY: false, isStdErrTTY: true, testRunDurationMs: 2000 });
  });

  it('lists every metric with samples, submetrics and metrics with thresholds', () => {
    expect(data.metrics).toEqual({
      checks: { type: 'rate', contains: 'default', values: { rate: 6 / 7, passes: 6, fails: 1 }, thresholds: { 'rate>0.9': { ok: false } } },
      data_received: { type: 'counter', contains: 'data', values: { count: 2048, rate: 1024 } },
      iteration_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 1.25, min: 0.5, med: 1.25, max: 2, 'p(90)': expect.closeTo(1.85, 12), 'p(95)': expect.closeTo(1.925, 12) },
        thresholds: { 'p(95)<500': { ok: true } },
      },
      'iteration_duration{scenario:default}': {
        type: 'trend',
        contains: 'time',
        values: { avg: 1.5, min: 1, med: 1.5, max: 2, 'p(90)': expect.closeTo(1.9, 12), 'p(95)': expect.closeTo(1.95, 12) },
        thresholds: { 'max<1.5': { ok: false } },
      },
      iterations: { type: 'counter', contains: 'default', values: { count: 4, rate: 2 } },
      vus: { type: 'gauge', contains: 'default', values: { value: 2, min: 2, max: 2 } },
      dropped_iterations: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, noSamples: true, thresholds: { 'count<1': { ok: true } } },
    });
  });

  it('asks the trend stats it is given', () => {
    const custom = buildSummaryData({
      store: runStore(),
      elapsedMs: 1000,
      thresholds: [],
      trendStats: ['count', 'p(99.9)'],
      noColor: false,
      isStdOutTTY: true,
      isStdErrTTY: true,
    });
    expect(custom.metrics['iteration_duration']?.values).toEqual({ count: 4, 'p(99.9)': expect.closeTo(1.9985, 12) });
    expect(custom.options.summaryTrendStats).toEqual(['count', 'p(99.9)']);
  });

  it('exports the same data as pretty JSON', () => {
    const json = summaryJson(data);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.split('\n')[1]).toBe('  "root_group": {');
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
  });
});
