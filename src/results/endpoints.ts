/**
 * The final results per endpoint, as Locust reports them: each request metric a protocol names
 * (http_req_duration, ws_req_ttfr, ...) split by the `name` tag of its series (the `url` tag where there is no name), and the failures
 * by method, name and error. Both are read from the store in one pass over each metric's series,
 * at the end of the run only (the live snapshots leave them out). Series past a metric's limit are
 * folded into "(other)" by the store, so they end up in one "(other)" row here.
 */
import type { MetricStore } from '../metrics/store.js';
import { compareNatural } from '../name-order.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolReport } from '../protocols/types.js';
import { endpointName } from './endpoint-name.js';
import type { EndpointResult, FailureCount } from './types.js';

type EndpointStore = Pick<MetricStore, 'groupedBy' | 'series'>;


/** Every endpoint of every request metric the protocols name, by metric (as they list them) and then by name. */
export function endpointResults(store: EndpointStore, elapsedMs: number, trendStats: readonly string[], reports: readonly ProtocolReport[] = PROTOCOLS.reports): EndpointResult[] {
  const endpoints: EndpointResult[] = [];
  for (const metric of reports.flatMap((report) => report.endpoints ?? [])) {
    const groups = [...store.groupedBy(metric, endpointName, elapsedMs)].sort(([a], [b]) => compareNatural(a, b));
    for (const [name, view] of groups) {
      const { type, contains } = view.definition;
      endpoints.push({ metric, name, type, contains, values: view.values(trendStats) });
    }
  }
  return endpoints;
}

/** The failures each protocol counts (failed requests, session errors) by method, name and error; the most frequent first. */
export function failureCounts(store: EndpointStore, reports: readonly ProtocolReport[] = PROTOCOLS.reports): FailureCount[] {
  const counts = new Map<string, FailureCount>();
  const count = (method: string, name: string, error: string, occurrences: number): void => {
    if (!(occurrences > 0)) return;
    const key = JSON.stringify([method, name, error]);
    const known = counts.get(key);
    counts.set(key, { method, name, error, occurrences: (known?.occurrences ?? 0) + occurrences });
  };
  for (const report of reports) report.failures?.(store, count);
  return [...counts.values()].sort(
    (a, b) => b.occurrences - a.occurrences || compareNatural(a.method, b.method) || compareNatural(a.name, b.name) || compareNatural(a.error, b.error),
  );
}
