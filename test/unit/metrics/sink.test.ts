import { describe, expect, it } from 'vitest';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { tagsKey } from '../../../src/metrics/tags.js';
import type { MetricDefinition } from '../../../src/types.js';

const REQUESTS: MetricDefinition = { name: 'requests', type: 'counter', contains: 'default' };
const CONNECTIONS: MetricDefinition = { name: 'connections', type: 'gauge', contains: 'default' };
const SUCCESS: MetricDefinition = { name: 'success', type: 'rate', contains: 'default' };
const LATENCY: MetricDefinition = { name: 'latency', type: 'trend', contains: 'time' };

describe('SampleAggregator', () => {
  it('aggregates per metric and tag set, whatever the tag order', () => {
    const aggregator = new SampleAggregator();
    aggregator.add(REQUESTS, 1, { status: '200', url: '/a' });
    aggregator.add(REQUESTS, 2, { url: '/a', status: '200' });
    aggregator.add(REQUESTS, 5, { url: '/b' });
    aggregator.add(CONNECTIONS, 3, {}, 1000);
    aggregator.add(CONNECTIONS, 7, {}, 1002);
    aggregator.add(CONNECTIONS, 1, {}, 1001);
    aggregator.add(SUCCESS, 1, {});
    aggregator.add(SUCCESS, 0, {});
    aggregator.add(SUCCESS, 1, {});

    expect(aggregator.drain()).toEqual({
      definitions: [REQUESTS, CONNECTIONS, SUCCESS],
      series: [
        { metric: 'requests', key: tagsKey({ status: '200', url: '/a' }), tags: { status: '200', url: '/a' }, data: { type: 'counter', samples: 2, sum: 3 } },
        { metric: 'requests', key: tagsKey({ url: '/b' }), tags: { url: '/b' }, data: { type: 'counter', samples: 1, sum: 5 } },
        { metric: 'connections', key: '', tags: {}, data: { type: 'gauge', samples: 3, value: 7, timeMs: 1002, min: 1, max: 7 } },
        { metric: 'success', key: '', tags: {}, data: { type: 'rate', samples: 3, passes: 2 } },
      ],
    });
  });

  it('ships trends as encoded histograms with exact count, sum, min and max', () => {
    const aggregator = new SampleAggregator();
    for (const value of [4, 1.5, 10]) aggregator.add(LATENCY, value, { scenario: 'default' });
    const [series] = aggregator.drain().series;
    expect(series?.data).toEqual({ type: 'trend', histogram: { count: 3, sum: 15.5, min: 1.5, max: 10, positive: expect.any(String) } });
  });

  it('starts afresh after each drain and drops series that stayed idle', () => {
    const aggregator = new SampleAggregator();
    aggregator.add(REQUESTS, 1, { url: '/a' });
    aggregator.add(LATENCY, 1, {});
    aggregator.drain();
    expect(aggregator.seriesCount).toBe(2);

    aggregator.add(REQUESTS, 4, { url: '/a' });
    expect(aggregator.drain()).toEqual({
      definitions: [REQUESTS],
      series: [{ metric: 'requests', key: tagsKey({ url: '/a' }), tags: { url: '/a' }, data: { type: 'counter', samples: 1, sum: 4 } }],
    });
    expect(aggregator.seriesCount).toBe(1);
    expect(aggregator.drain()).toEqual({ definitions: [], series: [] });
    expect(aggregator.seriesCount).toBe(0);
  });

  it('holds one series however many samples arrive', () => {
    const aggregator = new SampleAggregator();
    const tags = { url: '/a' };
    for (let i = 0; i < 100_000; i++) aggregator.add(LATENCY, i % 997, tags);
    expect(aggregator.seriesCount).toBe(1);
    const batch = aggregator.drain();
    expect(batch.series).toHaveLength(1);
    expect(batch.series[0]?.data).toMatchObject({ type: 'trend', histogram: { count: 100_000, min: 0, max: 996 } });
    expect(aggregator.seriesCount).toBe(1);
  });

  it('refuses samples that are not finite numbers', () => {
    const aggregator = new SampleAggregator();
    expect(() => aggregator.add(LATENCY, Number.NaN, {})).toThrow('metric "latency" received NaN; a sample must be a finite number');
    expect(() => aggregator.add(REQUESTS, Infinity, {})).toThrow(RangeError);
  });
});

describe('tagsKey', () => {
  it('is the same for equal tag sets in any order and differs otherwise', () => {
    expect(tagsKey({ b: '2', a: '1' })).toBe(tagsKey({ a: '1', b: '2' }));
    expect(tagsKey({ a: '1,b:2' })).not.toBe(tagsKey({ a: '1', b: '2' }));
    expect(tagsKey({ a: '1', b: '2' })).toBe('1:a1:11:b1:2');
    expect(tagsKey({})).toBe('');
  });
});
