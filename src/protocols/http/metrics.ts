/** The http_* metrics, declared once: code refers to them as `HttpMetric.reqDuration`. */
import { metric, namesOf } from '../../metrics/builtin.js';
import type { MetricDefinition } from '../../types.js';

const METRICS = {
  reqs: metric('http_reqs', 'counter'),
  reqDuration: metric('http_req_duration', 'trend', 'time'),
  reqBlocked: metric('http_req_blocked', 'trend', 'time'),
  reqConnecting: metric('http_req_connecting', 'trend', 'time'),
  reqTlsHandshaking: metric('http_req_tls_handshaking', 'trend', 'time'),
  reqSending: metric('http_req_sending', 'trend', 'time'),
  reqWaiting: metric('http_req_waiting', 'trend', 'time'),
  reqReceiving: metric('http_req_receiving', 'trend', 'time'),
  reqFailed: metric('http_req_failed', 'rate'),
} as const;

export const HttpMetric = namesOf(METRICS);

export const HTTP_METRICS: readonly MetricDefinition[] = Object.values(METRICS);
