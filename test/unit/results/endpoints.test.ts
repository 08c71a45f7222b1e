// Per-endpoint rows and Locust's failures from a store fed exact samples: the rows and the CSV text.
import { describe, expect, it } from 'vitest';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { WsMetric } from '../../../src/protocols/ws/metrics.js';
import { HttpMetric } from '../../../src/protocols/http/metrics.js';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { endpointResults, failureCounts } from '../../../src/results/endpoints.js';
import { failuresCsv, statsCsv } from '../../../src/results/csv.js';
import type { RunResults } from '../../../src/results/types.js';
import type { Tags } from '../../../src/types.js';

function store(): MetricStore {
  const registry = new MetricRegistry();
  for (const name of [HttpMetric.reqs, WsMetric.errors]) registry.define(name, 'counter', 'default');
  for (const name of [HttpMetric.reqFailed, WsMetric.reqFailed]) registry.define(name, 'rate', 'default');
  registry.define(HttpMetric.reqDuration, 'trend', 'time');
  const s = new MetricStore(registry);
  const add = (metric: string, type: 'counter' | 'rate' | 'trend', value: number, tags: Tags): void => {
    if (type === 'counter') s.addCounter(metric, value, tags);
    else feed(s, registry, metric, value, tags);
  };
  const login = { method: 'POST', name: 'login', url: 'http://127.0.0.1/login', status: '200' };
  const home = { method: 'GET', url: 'http://127.0.0.1/', name: 'http://127.0.0.1/', status: '200' };
  add(HttpMetric.reqs, 'counter', 1, login);
  add(HttpMetric.reqs, 'counter', 1, { ...login, status: '500', expected_response: 'false' });
  add(HttpMetric.reqs, 'counter', 1, home);
  add(HttpMetric.reqDuration, 'trend', 100, login);
  add(HttpMetric.reqDuration, 'trend', 300, { ...login, status: '500' });
  add(HttpMetric.reqDuration, 'trend', 50, home);
  add(HttpMetric.reqFailed, 'rate', 0, login);
  add(HttpMetric.reqFailed, 'rate', 1, { ...login, status: '500' });
  add(HttpMetric.reqFailed, 'rate', 1, { ...home, status: '0', error_code: '1211' });
  add(HttpMetric.reqFailed, 'rate', 1, { ...home, status: '0', error_code: '1211' });
  add(WsMetric.errors, 'counter', 1, { url: 'ws://127.0.0.1/chat', name: 'ws://127.0.0.1/chat', error: 'handshake_status', status: '403' });
  add(WsMetric.reqFailed, 'rate', 1, { url: 'ws://127.0.0.1/chat', name: 'chat', error: 'timeout' });
  return s;
}

/** Rates and trends through the batch path the workers use. */
function feed(s: MetricStore, registry: MetricRegistry, metric: string, value: number, tags: Tags): void {
  const definition = registry.get(metric)!;
  const aggregator = new SampleAggregator();
  aggregator.add(definition, value, tags, undefined);
  s.merge(aggregator.drain());
}
describe('endpointResults', () => {
  it('has one row per name (else url) of each request metric, in one pass over its series', () => {
    const rows = endpointResults(store(), 2000, ['avg', 'max', 'count']);
    // The protocols' request metrics in the order of their table: ws's, then http's.
    expect(rows.map(({ metric, name, values }) => [metric, name, values])).toEqual([
      ['ws_req_failed', 'chat', { rate: 1, passes: 1, fails: 0 }],
      ['http_reqs', 'http://127.0.0.1/', { count: 1, rate: 0.5 }],
      ['http_reqs', 'login', { count: 2, rate: 1 }],
      ['http_req_duration', 'http://127.0.0.1/', { avg: 50, max: 50, count: 1 }],
      ['http_req_duration', 'login', { avg: 200, max: 300, count: 2 }],
      ['http_req_failed', 'http://127.0.0.1/', { rate: 1, passes: 2, fails: 0 }],
      ['http_req_failed', 'login', { rate: 0.5, passes: 1, fails: 1 }],
    ]);
  });
});

describe('failureCounts and failuresCsv', () => {
  it('counts failures by method, name and error, the most frequent first, in Locust columns', () => {
    const failures = failureCounts(store());
    const results = { failures } as unknown as RunResults;
    expect(failuresCsv(results)).toBe(
      'Method,Name,Error,Occurrences\r\n' +
        'GET,http://127.0.0.1/,error_code 1211,2\r\n' +
        'POST,login,status 500,1\r\n' +
        'WS,chat,request timeout,1\r\n' +
        'WS,ws://127.0.0.1/chat,handshake_status status 403,1\r\n',
    );
  });

  it('writes no failures file for results without failure counts (an older wsk)', () => {
    expect(failuresCsv({} as RunResults)).toBeUndefined();
  });
});

describe('statsCsv per endpoint', () => {
  it('adds a row per endpoint next to the metric (the Aggregated row), once when a threshold already has it', () => {
    const s = store();
    const endpoints = endpointResults(s, 2000, ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count']).filter((e) => e.metric === 'http_reqs');
    const results = {
      durationMs: 2000,
      metrics: {
        http_reqs: { type: 'counter', contains: 'default', values: { count: 3, rate: 1.5 } },
        'http_reqs{name:login}': { type: 'counter', contains: 'default', values: { count: 2, rate: 1 } },
      },
      endpoints,
    } as unknown as RunResults;
    expect(statsCsv(results)).toBe(
      'Name,Type,Count,Rate/s,Avg,Min,Med,P90,P95,P99,Max,Passes,Fails,Value\r\n' +
        'http_reqs,counter,3,1.5,,,,,,,,,,\r\n' +
        'http_reqs{name:http://127.0.0.1/},counter,1,0.5,,,,,,,,,,\r\n' +
        'http_reqs{name:login},counter,2,1,,,,,,,,,,\r\n',
    );
  });
});
