/**
 * The final results per endpoint, as Locust reports them: each HTTP and WebSocket request metric
 * split by the `name` tag of its series (the `url` tag where there is no name), and the failures
 * by method, name and error. Both are read from the store in one pass over each metric's series,
 * at the end of the run only (the live snapshots leave them out). Series past a metric's limit are
 * folded into "(other)" by the store, so they end up in one "(other)" row here.
 */
import { Metric } from '../metrics/builtin.js';
import type { MetricStore } from '../metrics/store.js';
import type { Tags } from '../types.js';
import type { EndpointResult, FailureCount } from './types.js';

/** The request metrics that get a row per endpoint, in this order. */
export const ENDPOINT_METRICS: readonly string[] = [
  Metric.httpReqs,
  Metric.httpReqDuration,
  Metric.httpReqFailed,
  Metric.wsSessions,
  Metric.wsConnecting,
  Metric.wsReqDuration,
  Metric.wsReqTtfr,
  Metric.wsReqFailed,
];

type EndpointStore = Pick<MetricStore, 'groupedBy' | 'series'>;

export function endpointName(tags: Tags): string | undefined {
  return tags['name'] ?? tags['url'];
}

/** Every endpoint of every request metric, by metric (as listed) and then by name. */
export function endpointResults(store: EndpointStore, elapsedMs: number, trendStats: readonly string[]): EndpointResult[] {
  const endpoints: EndpointResult[] = [];
  for (const metric of ENDPOINT_METRICS) {
    const groups = [...store.groupedBy(metric, endpointName, elapsedMs)].sort(([a], [b]) => collator.compare(a, b));
    for (const [name, view] of groups) {
      const { type, contains } = view.definition;
      endpoints.push({ metric, name, type, contains, values: view.values(trendStats) });
    }
  }
  return endpoints;
}

/**
 * Failed HTTP requests (http_req_failed), failed ws requests (ws_req_failed) and ws session errors
 * (ws_errors) by method, name and error; the most frequent first. The error of an HTTP failure is
 * its error code, or its status when the request got an unexpected response.
 */
export function failureCounts(store: EndpointStore): FailureCount[] {
  const counts = new Map<string, FailureCount>();
  const count = (method: string, name: string, error: string, occurrences: number): void => {
    if (!(occurrences > 0)) return;
    const key = JSON.stringify([method, name, error]);
    const known = counts.get(key);
    counts.set(key, { method, name, error, occurrences: (known?.occurrences ?? 0) + occurrences });
  };
  for (const { tags, view } of store.series(Metric.httpReqFailed)) {
    const error = tags['error_code'] === undefined ? `status ${tags['status'] ?? ''}` : `error_code ${tags['error_code']}`;
    count(tags['method'] ?? '', endpointName(tags) ?? '', error, view.value('passes') ?? 0);
  }
  for (const { tags, view } of store.series(Metric.wsReqFailed)) {
    count(WS_METHOD, endpointName(tags) ?? '', `request ${tags['error'] ?? 'failed'}`, view.value('passes') ?? 0);
  }
  for (const { tags, view } of store.series(Metric.wsErrors)) {
    const detail = [tags['status'] === undefined ? '' : ` status ${tags['status']}`, tags['close_code'] === undefined ? '' : ` close_code ${tags['close_code']}`].join('');
    count(WS_METHOD, endpointName(tags) ?? '', `${tags['error'] ?? 'error'}${detail}`, view.value('count') ?? 0);
  }
  return [...counts.values()].sort(
    (a, b) => b.occurrences - a.occurrences || collator.compare(a.method, b.method) || collator.compare(a.name, b.name) || collator.compare(a.error, b.error),
  );
}

/** The Method column of a WebSocket failure, as Locust's WebSocket plugins name their requests. */
const WS_METHOD = 'WS';

const collator = new Intl.Collator('en', { numeric: true });
