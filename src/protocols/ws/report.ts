/** What `wsk/ws` adds to the summary, the results, the report and the progress line. */
import type { ProtocolReport } from '../types.js';
import { endpointName } from '../../results/endpoint-name.js';
import { WsMetric } from './metrics.js';

/** The Method column of a WebSocket failure, as Locust's WebSocket plugins name their requests. */
const WS_METHOD = 'WS';

export const wsReport: ProtocolReport = {
  summary: { title: 'WEBSOCKET', rank: 70 },
  // Every kind names its `error` (see socket.ts), which tells a kind from a submetric on other tags.
  errorKinds: [{ metric: WsMetric.errors, tags: ['error', 'status', 'close_code'] }],
  endpoints: [WsMetric.sessions, WsMetric.connecting, WsMetric.reqDuration, WsMetric.reqTtfr, WsMetric.reqFailed],
  failures(store, count) {
    for (const { tags, view } of store.series(WsMetric.reqFailed)) {
      count(WS_METHOD, endpointName(tags) ?? '', `request ${tags['error'] ?? 'failed'}`, view.value('passes') ?? 0);
    }
    for (const { tags, view } of store.series(WsMetric.errors)) {
      const detail = [tags['status'] === undefined ? '' : ` status ${tags['status']}`, tags['close_code'] === undefined ? '' : ` close_code ${tags['close_code']}`].join('');
      count(WS_METHOD, endpointName(tags) ?? '', `${tags['error'] ?? 'error'}${detail}`, view.value('count') ?? 0);
    }
  },
  panels: [{ title: 'WebSocket messages', metrics: [WsMetric.msgsSent, WsMetric.msgsReceived] }],
  leadingTrends: [WsMetric.reqTtfr, WsMetric.reqDuration, WsMetric.connecting],
  headline(read) {
    const parts: string[] = [];
    const received = read.value(WsMetric.msgsReceived, 'count');
    if (received !== undefined || read.value(WsMetric.sessions, 'count') !== undefined) {
      const ttfr = read.p95(WsMetric.reqTtfr);
      parts.push(`ws ${read.perSecond(received)} in${ttfr === '' ? '' : `, ttfr${ttfr}`}`);
    }
    const errors = read.value(WsMetric.errors, 'count');
    if (errors !== undefined && errors > 0) parts.push(`ws errors ${errors}`);
    return parts;
  },
};
