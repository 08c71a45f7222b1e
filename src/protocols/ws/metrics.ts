/** The ws_* metrics, declared once: code refers to them as `WsMetric.reqTtfr`. */
import { metric, namesOf } from '../../metrics/builtin.js';
import type { MetricDefinition } from '../../types.js';

const METRICS = {
  sessions: metric('ws_sessions', 'counter'),
  connecting: metric('ws_connecting', 'trend', 'time'),
  connectionFailed: metric('ws_connection_failed', 'rate'),
  sessionDuration: metric('ws_session_duration', 'trend', 'time'),
  msgsSent: metric('ws_msgs_sent', 'counter'),
  msgsReceived: metric('ws_msgs_received', 'counter'),
  reqTtfr: metric('ws_req_ttfr', 'trend', 'time'),
  reqDuration: metric('ws_req_duration', 'trend', 'time'),
  reqFailed: metric('ws_req_failed', 'rate'),
  ping: metric('ws_ping', 'trend', 'time'),
  streamFrameLag: metric('ws_stream_frame_lag', 'trend', 'time'),
  errors: metric('ws_errors', 'counter'),
} as const;

export const WsMetric = namesOf(METRICS);

export const WS_METRICS: readonly MetricDefinition[] = Object.values(METRICS);
