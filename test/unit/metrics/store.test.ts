import { describe, expect, it } from 'vitest';
import { Metric } from '../../../src/metrics/builtin.js';
import { TrendHistogram } from '../../../src/metrics/hdr.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { DEFAULT_TREND_STATS, isTrendStat, percentileOf } from '../../../src/metrics/view.js';
import type { MetricDefinition, Tags } from '../../../src/types.js';

const LATENCY: MetricDefinition = { name: 'latency', type: 'trend', contains: 'time' };
const MESSAGES: MetricDefinition = { name: 'messages', type: 'counter', contains: 'default' };
const QUEUE: MetricDefinition = { name: 'queue', type: 'gauge', contains: 'default' };
const OK: MetricDefinition = { name: 'ok', type: 'rate', contains: 'default' };

type Sample = [definition: MetricDefinition, value: number, tags: Tags, timeMs?: number];

const SAMPLES: Sample[] = [
  [LATENCY, 12.5, { url: '/a', status: '200' }],
  [LATENCY, 250, { url: '/b', status: '200' }],
  [LATENCY, -3, { url: '/a', status: '500' }],
  [LATENCY, 1234.75, { url: '/a', status: '200' }],
  [LATENCY, 0.25, { url: '/b', status: '500' }],
  [LATENCY, 88, { url: '/a', status: '200' }],
  [MESSAGES, 3, { url: '/a' }],
  [MESSAGES, 5, { url: '/b' }],
  [MESSAGES, 2, { url: '/a' }],
  [QUEUE, 4, {}, 100],
  [QUEUE, 9, {}, 300],
  [QUEUE, 1, {}, 200],
  [OK, 1, { url: '/a' }],
  [OK, 0, { url: '/a' }],
  [OK, 1, { url: '/b' }],
  [OK, 1, { url: '/b' }],
];

function storeOf(...workers: Sample[][]): MetricStore {
  const store = new MetricStore(new MetricRegistry());
  for (const samples of workers) {
    const aggregator = new SampleAggregator();
    for (const [definition, value, tags, timeMs] of samples) aggregator.add(definition, value, tags, timeMs);
    store.merge(structuredClone(aggregator.drain()));
  }
  return store;
}

const ALL_STATS = ['avg', 'min', 'med', 'max', 'count', 'p(0)', 'p(10)', 'p(50)', 'p(90)', 'p(95)', 'p(99.9)', 'p(100)'];

describe('MetricStore', () => {
  it('merges two workers into exactly what one worker seeing every sample gives', () => {
    const one = storeOf(SAMPLES);
    const two = storeOf(
      SAMPLES.filter((_, i) => i % 2 === 0),
      SAMPLES.filter((_, i) => i % 2 === 1),
    );
    const filters: Tags[] = [{}, { url: '/a' }, { status: '200' }];
    for (const name of ['latency', 'messages', 'queue', 'ok']) {
      for (const tags of filters) {
        expect(two.snapshot(name, tags, 2000)?.values(ALL_STATS)).toEqual(one.snapshot(name, tags, 2000)?.values(ALL_STATS));
      }
    }
    expect(two.metricNames()).toEqual(['latency', 'messages', 'ok', 'queue']);
  });

  it('merges batches of many values, which carry buckets, and gives a results file the portable histogram', () => {
    const values = Array.from({ length: 300 }, (_, i) => (i % 11 === 0 ? -1 : 1) * 0.07 * (i + 1) ** 1.9);
    const samples: Sample[] = values.map((value, i) => [LATENCY, value, { url: i % 3 === 0 ? '/a' : '/b' }]);
    const aggregator = new SampleAggregator();
    for (const [definition, value, tags] of samples.slice(0, 100)) aggregator.add(definition, value, tags);
    expect(aggregator.drain().series.map((series) => Object.keys(series.data.type === 'trend' ? series.data.histogram : {}))).toEqual([
      ['count', 'sum', 'min', 'max', 'buckets', 'negativeBuckets'],
      ['count', 'sum', 'min', 'max', 'buckets', 'negativeBuckets'],
    ]);
    const one = storeOf(samples);
    const three = storeOf(samples.slice(0, 100), samples.slice(100, 250), samples.slice(250));
    // The same answers, but for the last digits of a sum added in another order.
    for (const tags of [{}, { url: '/a' }] as Tags[]) {
      const { avg, ...got } = three.snapshot('latency', tags, 1000)?.values(ALL_STATS) ?? {};
      const { avg: wantAvg, ...want } = one.snapshot('latency', tags, 1000)?.values(ALL_STATS) ?? {};
      expect(got).toEqual(want);
      expect(avg).toBeCloseTo(wantAvg ?? NaN, 9);
    }
    const file = three.encodedTrend('latency', {});
    expect(file).toMatchObject({ count: 300, positive: expect.any(String), negative: expect.any(String) });
    const [got, want] = [file, one.encodedTrend('latency', {})].map((encoded) => (encoded === undefined ? undefined : TrendHistogram.decode(encoded).distribution()));
    for (let percent = 0; percent <= 100; percent += 0.5) expect(got?.percentile(percent)).toBe(want?.percentile(percent));
  });

  it('aggregates a submetric over the series whose tags include the filter', () => {
    const store = storeOf(SAMPLES);
    expect(store.snapshot('latency', { url: '/a', status: '200' }, 1000)?.values(['count', 'min', 'max', 'avg'])).toEqual({
      count: 3,
      min: 12.5,
      max: 1234.75,
      avg: 445.0833333333333,
    });
    expect(store.snapshot('latency', { status: '500' }, 1000)?.values(['count', 'min', 'max', 'p(50)'])).toEqual({
      count: 2,
      min: -3,
      max: 0.25,
      'p(50)': -1.375,
    });
    expect(store.snapshot('latency', {}, 1000)?.sampleCount).toBe(6);
    expect(store.snapshot('latency', { url: '/c' }, 1000)).toBeUndefined();
    expect(store.snapshot('nothing', {}, 1000)).toBeUndefined();
  });

  it('reports a counter as its sum and its rate per second of elapsed time', () => {
    const view = storeOf(SAMPLES).snapshot('messages', {}, 4000);
    expect(view?.values([])).toEqual({ count: 10, rate: 2.5 });
    expect([view?.value('count'), view?.value('rate'), view?.value('avg'), view?.sampleCount]).toEqual([10, 2.5, undefined, 3]);
    expect(storeOf(SAMPLES).snapshot('messages', { url: '/a' }, 0)?.values([])).toEqual({ count: 5, rate: 0 });
  });

  it('keeps the latest gauge value by timestamp across workers, and its min and max', () => {
    const store = storeOf([[QUEUE, 9, {}, 300]], [[QUEUE, 4, {}, 100], [QUEUE, 1, {}, 200]]);
    expect(store.snapshot('queue', {}, 0)?.values([])).toEqual({ value: 9, min: 1, max: 9 });
    store.setGauge('queue', 2, {}, 300);
    expect(store.snapshot('queue', {}, 0)?.value('value')).toBe(2);
    store.setGauge('queue', 3, {}, 299);
    expect(store.snapshot('queue', {}, 0)?.values([])).toEqual({ value: 2, min: 1, max: 9 });
  });

  it('counts rate passes and fails', () => {
    const store = storeOf(SAMPLES);
    expect(store.snapshot('ok', {}, 0)?.values([])).toEqual({ rate: 0.75, passes: 3, fails: 1 });
    expect(store.snapshot('ok', { url: '/a' }, 0)?.values([])).toEqual({ rate: 0.5, passes: 1, fails: 1 });
  });

  it('lists each series of a metric with its tags', () => {
    const entries = [...storeOf(SAMPLES).series('ok')].map(({ tags, view }) => [tags, view.values([])]);
    expect(entries).toEqual([
      [{ url: '/a' }, { rate: 0.5, passes: 1, fails: 1 }],
      [{ url: '/b' }, { rate: 1, passes: 2, fails: 0 }],
    ]);
  });

  it('records coordinator-owned metrics and refreshes cached snapshots after changes', () => {
    const store = new MetricStore(new MetricRegistry());
    store.setGauge(Metric.vus, 5);
    store.addCounter(Metric.droppedIterations, 2, { scenario: 'spike' });
    expect(store.snapshot(Metric.droppedIterations, {}, 1000)?.value('count')).toBe(2);
    store.addCounter(Metric.droppedIterations, 3, { scenario: 'spike' });
    expect(store.snapshot(Metric.droppedIterations, { scenario: 'spike' }, 1000)?.value('count')).toBe(5);
    expect(store.snapshot(Metric.droppedIterations, {}, 1000)?.value('count')).toBe(5);
    expect(store.snapshot(Metric.vus, {}, 0)?.values([])).toEqual({ value: 5, min: 5, max: 5 });
    expect(() => store.addCounter(Metric.vus, 1)).toThrow('metric "vus" is a gauge; got a counter sample');
    store.dispose();
    expect(store.metricNames()).toEqual([]);
  });

  it('learns custom metrics from batches and refuses a conflicting definition', () => {
    const registry = new MetricRegistry();
    const store = new MetricStore(registry);
    store.merge({ definitions: [LATENCY], series: [] });
    expect(registry.get('latency')).toEqual(LATENCY);
    expect(() => store.merge({ definitions: [{ ...LATENCY, type: 'counter' }], series: [] })).toThrow(
      'metric "latency" is already a trend; cannot redefine it as a counter',
    );
  });

  it('folds past its limit the tag sets of workers that each stayed within theirs, keeping every sample', () => {
    const warnings: string[] = [];
    const store = new MetricStore(new MetricRegistry(), { maxSeriesPerMetric: 100, warn: (text) => warnings.push(text) });
    for (const worker of [0, 1]) {
      const aggregator = new SampleAggregator({ maxSeriesPerMetric: 100, warn: (text) => warnings.push(`worker: ${text}`) });
      for (let i = 0; i < 80; i++) aggregator.add(LATENCY, 10 + i, { url: `/items/${worker * 80 + i}`, status: '200' });
      store.merge(structuredClone(aggregator.drain()));
    }
    expect([...store.series('latency')]).toHaveLength(101);
    expect(store.snapshot('latency', {}, 0)?.values(['count', 'min', 'max'])).toEqual({ count: 160, min: 10, max: 89 });
    expect(store.snapshot('latency', { url: '(other)' }, 0)?.values(['count', 'min', 'max'])).toEqual({ count: 60, min: 30, max: 89 });
    expect(store.snapshot('latency', { url: '/items/99' }, 0)?.value('count')).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/^latency reached 100 series, the most one metric keeps: tag "url" took 100 distinct values; /)]);
  });

  it('answers every trend stat, with keys exactly as asked, within 3 significant digits', () => {
    // Sorted: -3, 0.25, 12.5, 88, 250, 1234.75 (the exact k6 values below interpolate between ranks).
    const view = storeOf(SAMPLES.slice(0, 6)).snapshot('latency', {}, 0);
    const asked = view?.values(['p(95)', 'med', 'p(99.9)', 'count', 'bogus']) ?? {};
    expect(Object.keys(asked)).toEqual(['p(95)', 'med', 'p(99.9)', 'count']);
    expectClose(asked, { 'p(95)': 988.5625, med: 50.25, 'p(99.9)': 1229.82625, count: 6 });
    const defaults = view?.values(DEFAULT_TREND_STATS) ?? {};
    expect(Object.keys(defaults)).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect([defaults['avg'], defaults['min'], defaults['max']]).toEqual([263.75, -3, 1234.75]);
    expectClose(defaults, { med: 50.25, 'p(90)': 742.375, 'p(95)': 988.5625 });
  });
});

function expectClose(actual: Record<string, number>, expected: Record<string, number>): void {
  for (const [stat, value] of Object.entries(expected)) {
    expect(Math.abs((actual[stat] ?? NaN) - value) / Math.abs(value), stat).toBeLessThan(1e-3);
  }
}

describe('trend stat names', () => {
  const table: [stat: string, percent: number | undefined][] = [
    ['p(95)', 95],
    ['p(99.9)', 99.9],
    ['p(0)', 0],
    ['p(100)', 100],
    ['p(100.1)', undefined],
    ['p(-1)', undefined],
    ['p95', undefined],
    ['p()', undefined],
  ];
  it.each(table)('%s is percentile %s', (stat, percent) => {
    expect(percentileOf(stat)).toBe(percent);
    expect(isTrendStat(stat)).toBe(percent !== undefined);
  });
  it('knows the named stats', () => {
    expect(['avg', 'min', 'med', 'max', 'count', 'sum'].map(isTrendStat)).toEqual([true, true, true, true, true, false]);
  });
});
