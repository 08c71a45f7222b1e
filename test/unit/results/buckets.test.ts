import { describe, expect, it } from 'vitest';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { SampleAggregator, type MetricBatch } from '../../../src/metrics/sink.js';
import { TimeBuckets, type TimeBucketsOptions } from '../../../src/results/buckets.js';
import type { SeriesColumns } from '../../../src/results/types.js';
import type { MetricDefinition, Tags } from '../../../src/types.js';

const registry = new MetricRegistry();
const REQUESTS: MetricDefinition = { name: 'requests', type: 'counter', contains: 'default' };
const QUEUE: MetricDefinition = { name: 'queue', type: 'gauge', contains: 'default' };
const OK: MetricDefinition = { name: 'ok', type: 'rate', contains: 'default' };
const LATENCY: MetricDefinition = { name: 'latency', type: 'trend', contains: 'time' };
const DEFINITIONS = new Map([REQUESTS, QUEUE, OK, LATENCY].map((d) => [d.name, d]));

const START = 100_000;

type Sample = [definition: MetricDefinition, value: number, tags?: Tags, timeMs?: number];

/** A worker's batch of these samples, cloned as it would cross threads. */
function batch(...samples: Sample[]): MetricBatch {
  const aggregator = new SampleAggregator();
  for (const [definition, value, tags = {}, timeMs] of samples) aggregator.add(definition, value, tags, timeMs);
  return structuredClone(aggregator.drain());
}

function buckets(options: Partial<TimeBucketsOptions> = {}): TimeBuckets {
  return new TimeBuckets({
    bucketMs: 1000,
    startMs: START,
    definitions: (name) => DEFINITIONS.get(name) ?? registry.get(name),
    breakdownTags: ['scenario', 'name', 'status'],
    ...options,
  });
}

function find(series: readonly SeriesColumns[], metric: string, tags: Tags = {}): SeriesColumns {
  const found = series.find((s) => s.metric === metric && JSON.stringify(s.tags) === JSON.stringify(tags));
  if (found === undefined) throw new Error(`no series ${metric} ${JSON.stringify(tags)}`);
  return found;
}

/** Within HDR's precision (3 significant digits: 0.05% of the value, plus interpolation). */
function near(actual: number | null | undefined, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(expected * 0.001);
}

describe('TimeBuckets', () => {
  it('sums counters per bucket, over all tags and per breakdown value; empty buckets are null', () => {
    const time = buckets();
    time.add(batch([REQUESTS, 3, { scenario: 'a', url: '/x' }]), START + 100);
    time.add(batch([REQUESTS, 2, { scenario: 'b', url: '/y' }], [REQUESTS, 1, { scenario: 'a', url: '/y' }]), START + 999);
    time.add(batch([REQUESTS, 4, { scenario: 'a' }]), START + 2500);
    const columns = time.columns(START + 3000);
    expect(columns).toMatchObject({ bucketMs: 1000, startMs: START, buckets: 3 });
    // url is not a breakdown tag: no series of its own.
    expect(columns.series.map((s) => [s.metric, s.tags])).toEqual([
      ['requests', {}],
      ['requests', { scenario: 'a' }],
      ['requests', { scenario: 'b' }],
    ]);
    expect(find(columns.series, 'requests')).toEqual({ metric: 'requests', type: 'counter', contains: 'default', tags: {}, sum: [6, null, 4] });
    expect(find(columns.series, 'requests', { scenario: 'a' })).toMatchObject({ sum: [4, null, 4] });
    expect(find(columns.series, 'requests', { scenario: 'b' })).toMatchObject({ sum: [2, null, null] });
  });

  it('keeps the latest gauge value by sample time, whichever batch arrives last', () => {
    const time = buckets();
    time.add(batch([QUEUE, 7, { scenario: 'a' }, START + 600], [QUEUE, 5, { scenario: 'a' }, START + 500]), START + 700);
    time.add(batch([QUEUE, 9, { scenario: 'b' }, START + 400]), START + 800);
    time.add(batch([QUEUE, 1, { scenario: 'b' }, START + 1200]), START + 1300);
    const { series } = time.columns(START + 2000);
    expect(find(series, 'queue')).toMatchObject({ type: 'gauge', value: [7, 1] });
    expect(find(series, 'queue', { scenario: 'a' })).toMatchObject({ value: [7, null] });
    expect(find(series, 'queue', { scenario: 'b' })).toMatchObject({ value: [9, 1] });
  });

  it('counts rate passes and samples', () => {
    const time = buckets();
    time.add(batch([OK, 1, { status: '200' }], [OK, 1, { status: '200' }], [OK, 0, { status: '500' }]), START);
    time.add(batch([OK, 0, { status: '500' }]), START + 1999);
    const { series } = time.columns(START + 2000);
    expect(find(series, 'ok')).toMatchObject({ type: 'rate', passes: [2, 0], samples: [3, 1] });
    expect(find(series, 'ok', { status: '200' })).toMatchObject({ passes: [2, null], samples: [2, null] });
    expect(find(series, 'ok', { status: '500' })).toMatchObject({ passes: [0, 0], samples: [1, 1] });
  });

  it("computes a trend's stats from the merged histograms of its bucket", () => {
    const time = buckets();
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    time.add(batch(...values.slice(0, 50).map((v): Sample => [LATENCY, v, { name: 'login' }])), START + 10);
    time.add(batch(...values.slice(50).map((v): Sample => [LATENCY, v, { name: 'chat' }])), START + 20);
    time.add(batch([LATENCY, 250, { name: 'chat' }]), START + 1500);
    const { series } = time.columns(START + 2000);
    const all = find(series, 'latency');
    if (all.type !== 'trend') throw new Error('not a trend');
    expect(all.contains).toBe('time');
    expect(all.count).toEqual([100, 1]);
    expect(all.avg).toEqual([50.5, 250]);
    expect(all.min).toEqual([1, 250]);
    expect(all.max).toEqual([100, 250]);
    // Ranks interpolate as in k6: p(90) is rank 89.1 of 0..99, 90 + 0.1 × (91 - 90).
    near(all.p50[0], 50.5);
    near(all.p90[0], 90.1);
    near(all.p95[0], 95.05);
    near(all.p99[0], 99.01);
    expect([all.p50[1], all.p99[1]]).toEqual([250, 250]);
    const login = find(series, 'latency', { name: 'login' });
    if (login.type !== 'trend') throw new Error('not a trend');
    expect([login.count, login.min, login.max]).toEqual([[50, null], [1, null], [50, null]]);
    near(login.p50[0], 25.5);
    expect(find(series, 'latency', { name: 'chat' })).toMatchObject({ count: [50, 1], min: [51, 250] });
  });

  it('breaks a metric down by at most maxValuesPerTag values of each tag; later values count in the total only', () => {
    const time = buckets({ maxValuesPerTag: 2 });
    time.add(batch([REQUESTS, 1, { name: 'a', status: '200' }], [REQUESTS, 2, { name: 'b', status: '200' }]), START);
    time.add(batch([REQUESTS, 4, { name: 'c', status: '500' }], [REQUESTS, 8, { name: 'a', status: '404' }]), START + 1000);
    // Another metric has a cap of its own.
    time.add(batch([OK, 1, { name: 'c' }]), START + 1000);
    const { series } = time.columns(START + 2000);
    expect(series.map((s) => `${s.metric}${JSON.stringify(s.tags)}`)).toEqual([
      'ok{}',
      'ok{"name":"c"}',
      'requests{}',
      'requests{"name":"a"}',
      'requests{"name":"b"}',
      'requests{"status":"200"}',
      'requests{"status":"500"}',
    ]);
    expect(find(series, 'requests')).toMatchObject({ sum: [3, 12] });
    expect(find(series, 'requests', { name: 'a' })).toMatchObject({ sum: [1, 8] });
    expect(find(series, 'requests', { status: '500' })).toMatchObject({ sum: [null, 4] });
  });

  it('counts a breakdown tag named twice once', () => {
    const time = buckets({ breakdownTags: ['scenario', 'name', 'scenario'] });
    time.add(batch([REQUESTS, 5, { scenario: 'a' }]), START);
    expect(time.columns(START + 1000).series.map((s) => [s.tags, s.type === 'counter' ? s.sum : []])).toEqual([
      [{}, [5]],
      [{ scenario: 'a' }, [5]],
    ]);
  });

  it('counts a late batch in the oldest open bucket, and opens the previous bucket if nothing had arrived for it', () => {
    const time = buckets();
    time.add(batch([REQUESTS, 1]), START + 100); // bucket 0
    time.add(batch([REQUESTS, 2]), START + 2100); // bucket 2: bucket 0 closes, 1 and 2 may be open
    expect(time.openBuckets).toBe(1);
    time.add(batch([REQUESTS, 4]), START + 1100); // bucket 1, the previous one: opened
    expect(time.openBuckets).toBe(2);
    time.add(batch([REQUESTS, 8]), START + 500); // bucket 0 is closed: into bucket 1
    time.add(batch([REQUESTS, 16]), START + 3100); // bucket 3: bucket 1 closes
    time.add(batch([REQUESTS, 32]), START + 10); // into bucket 2
    expect(time.openBuckets).toBe(2);
    expect(find(time.columns(START + 4000).series, 'requests')).toMatchObject({ sum: [1, 12, 34, 16] });
  });

  it('counts samples from before the start in bucket 0, and keeps a bucket that arrived after the end', () => {
    const time = buckets();
    time.add(batch([REQUESTS, 1]), START - 5000);
    time.add(batch([REQUESTS, 2]), START + 2050); // the workers' final drain, after the end
    const columns = time.columns(START + 1500);
    expect(columns.buckets).toBe(3);
    expect(find(columns.series, 'requests')).toMatchObject({ sum: [1, null, 2] });
    expect(buckets().columns(START + 1500)).toEqual({ bucketMs: 1000, startMs: START, buckets: 2, series: [] });
  });

  it('reads open buckets without closing them, so the live view can ask during the run', () => {
    const time = buckets();
    time.add(batch([LATENCY, 10]), START + 100);
    expect(find(time.columns(START + 1000).series, 'latency')).toMatchObject({ count: [1], max: [10] });
    time.add(batch([LATENCY, 30]), START + 200);
    expect(find(time.columns(START + 1000).series, 'latency')).toMatchObject({ count: [2], avg: [20], max: [30] });
  });

  it('rejects a bucket size that is not a positive number', () => {
    expect(() => buckets({ bucketMs: 0 })).toThrow('bucketMs must be a positive number of milliseconds; got 0');
  });

  it('holds at most two buckets of histograms through an hour of one-second buckets', () => {
    // Heap growth, measured once with `node --expose-gc` on this feed at 50 samples per series per
    // second, heapUsed + arrayBuffers after gc(): about 11 MB over the hour, of which 7.9 MB are the
    // closed buckets' columns (240 columns × 4096 slots × 8 B); the rest is flat after the first
    // minute (two open buckets of 20 trend histograms, the route and track maps).
    const time = buckets();
    const series = (second: number): Sample[] =>
      Array.from({ length: 20 }, (_, i): Sample => {
        const definition = [REQUESTS, QUEUE, OK, LATENCY][i % 4] ?? REQUESTS;
        return [{ ...definition, name: `${definition.name}_${i}` }, (second % 50) + i, { name: `n${second % 3}` }, START + second * 1000];
      });
    let maxOpen = 0;
    for (let second = 0; second < 3600; second++) {
      time.add(batch(...series(second)), START + second * 1000 + 500);
      maxOpen = Math.max(maxOpen, time.openBuckets);
    }
    expect(maxOpen).toBe(2);
    const columns = time.columns(START + 3_600_000);
    expect(columns.buckets).toBe(3600);
    expect(columns.series).toHaveLength(80);
    expect(find(columns.series, 'requests_0')).toMatchObject({ tags: {} });
    const counter = find(columns.series, 'requests_0');
    if (counter.type !== 'counter') throw new Error('not a counter');
    expect(counter.sum.slice(0, 3)).toEqual([0, 1, 2]);
    expect(counter.sum.every((sum) => sum !== null)).toBe(true);
  }, 120_000);
});
