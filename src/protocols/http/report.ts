/** What `wsk/http` adds to the summary, the results, the report and the progress line. */
import type { ProtocolReport } from '../types.js';
import { endpointName } from '../../results/endpoint-name.js';
import { HttpMetric } from './metrics.js';

export const httpReport: ProtocolReport = {
  // As k6's compact summary: the phases of a request only in the full one.
  summary: {
    title: 'HTTP',
    rank: 10,
    fullOnly: [HttpMetric.reqBlocked, HttpMetric.reqConnecting, HttpMetric.reqTlsHandshaking, HttpMetric.reqSending, HttpMetric.reqWaiting, HttpMetric.reqReceiving],
  },
  // A failure without an error code got an unexpected status: a kind of its own.
  errorKinds: [{ metric: HttpMetric.reqFailed, tags: ['error_code'], untagged: true }],
  endpoints: [HttpMetric.reqs, HttpMetric.reqDuration, HttpMetric.reqFailed],
  failures(store, count) {
    // The error is the request's error code, or its status when it got an unexpected response.
    for (const { tags, view } of store.series(HttpMetric.reqFailed)) {
      const error = tags['error_code'] === undefined ? `status ${tags['status'] ?? ''}` : `error_code ${tags['error_code']}`;
      count(tags['method'] ?? '', endpointName(tags) ?? '', error, view.value('passes') ?? 0);
    }
  },
  panels: [{ title: 'HTTP requests', metrics: [HttpMetric.reqs] }],
  leadingTrends: [HttpMetric.reqDuration],
  headline(read) {
    const requests = read.value(HttpMetric.reqs, 'count');
    if (requests === undefined) return [];
    const failed = read.value(HttpMetric.reqFailed, 'rate');
    return [`http ${read.perSecond(requests)}${read.p95(HttpMetric.reqDuration)}${failed === undefined ? '' : ` failed ${read.percent(failed)}`}`];
  },
};
