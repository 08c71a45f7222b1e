import { describe, expect, it } from 'vitest';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { DEFAULT_SYSTEM_TAGS, SeriesTags, tagsKey } from '../../../src/metrics/tags.js';
import { OTHER_VALUE } from '../../../src/metrics/limit.js';
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

  it('ships trends encoded, with exact count, sum, min and max (a few values as themselves)', () => {
    const aggregator = new SampleAggregator();
    for (const value of [4, 1.5, 10]) aggregator.add(LATENCY, value, { scenario: 'default' });
    const [series] = aggregator.drain().series;
    expect(series?.data).toEqual({ type: 'trend', histogram: { count: 3, sum: 15.5, min: 1.5, max: 10, values: [4, 1.5, 10] } });
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

  it('keys requests that have a name by the name: 1,000 distinct urls under one name make one series', () => {
    const aggregator = new SampleAggregator();
    const series = new SeriesTags();
    for (let id = 0; id < 1000; id++) {
      const tags = series.of({ scenario: 'default', method: 'GET', status: '200', url: `http://127.0.0.1/items/${id}`, name: 'http://127.0.0.1/items/${}' });
      aggregator.add(LATENCY, 1 + (id % 7), tags);
      aggregator.add(REQUESTS, 1, tags);
    }
    const batch = aggregator.drain();
    expect(batch.series.map(({ metric, tags }) => [metric, tags])).toEqual([
      ['latency', { scenario: 'default', method: 'GET', status: '200', name: 'http://127.0.0.1/items/${}' }],
      ['requests', { scenario: 'default', method: 'GET', status: '200', name: 'http://127.0.0.1/items/${}' }],
    ]);
    expect(batch.series[1]?.data).toEqual({ type: 'counter', samples: 1000, sum: 1000 });
  });

  it('keys series without the system tags options.systemTags leaves out', () => {
    const aggregator = new SampleAggregator();
    const series = new SeriesTags(DEFAULT_SYSTEM_TAGS.filter((tag) => tag !== 'url' && tag !== 'name'));
    for (let id = 0; id < 1000; id++) aggregator.add(REQUESTS, 1, series.of({ method: 'GET', url: `/items/${id}`, name: `/items/${id}` }));
    expect(aggregator.drain().series).toEqual([{ metric: 'requests', key: tagsKey({ method: 'GET' }), tags: { method: 'GET' }, data: { type: 'counter', samples: 1000, sum: 1000 } }]);
  });

  it('folds tag sets past the limit of a metric into "(other)" and warns once, for the whole run', () => {
    const warnings: string[] = [];
    const aggregator = new SampleAggregator({ maxSeriesPerMetric: 100, warn: (text) => warnings.push(text) });
    const request = (id: number): { url: string; name: string; status: string } => ({ url: `/items/${id}`, name: `/items/${id}`, status: '200' });
    for (let id = 0; id < 250; id++) {
      aggregator.add(REQUESTS, 1, request(id));
      aggregator.add(LATENCY, 5, request(id));
    }
    expect(warnings).toEqual([expect.stringMatching(/^requests reached 100 series, the most one metric keeps: tags "name" and "url" took 100 and 100 distinct values; /)]);
    const first = aggregator.drain().series.filter(({ metric }) => metric === 'requests');
    expect(first).toHaveLength(101);
    expect(first.at(-1)).toMatchObject({ tags: { url: OTHER_VALUE, name: OTHER_VALUE, status: '200' }, data: { samples: 150, sum: 150 } });

    // Drained series leave, but the metric remembers its tag sets: old ones come back, new ones still fold.
    aggregator.add(REQUESTS, 1, request(7));
    aggregator.add(REQUESTS, 1, request(1000));
    aggregator.add(REQUESTS, 1, request(1001));
    expect(aggregator.drain().series.map(({ tags, data }) => [tags['url'], data])).toEqual([
      ['/items/7', { type: 'counter', samples: 1, sum: 1 }],
      [OTHER_VALUE, { type: 'counter', samples: 2, sum: 2 }],
    ]);
    expect(warnings).toHaveLength(1);
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
