/**
 * Built-in metrics. Each is declared once here; code refers to it as `Metric.iterations`, never by
 * retyping the string. Adding one (ws_*, http_*) is one line in BUILTINS.
 */
import type { MetricDefinition, MetricType, ValueKind } from '../types.js';

const BUILTINS = {
  vus: metric('vus', 'gauge'),
  vusMax: metric('vus_max', 'gauge'),
  iterations: metric('iterations', 'counter'),
  iterationDuration: metric('iteration_duration', 'trend', 'time'),
  droppedIterations: metric('dropped_iterations', 'counter'),
  checks: metric('checks', 'rate'),
  groupDuration: metric('group_duration', 'trend', 'time'),
  dataSent: metric('data_sent', 'counter', 'data'),
  dataReceived: metric('data_received', 'counter', 'data'),
  wsSessions: metric('ws_sessions', 'counter'),
  wsConnecting: metric('ws_connecting', 'trend', 'time'),
  wsConnectionFailed: metric('ws_connection_failed', 'rate'),
  wsSessionDuration: metric('ws_session_duration', 'trend', 'time'),
  wsMsgsSent: metric('ws_msgs_sent', 'counter'),
  wsMsgsReceived: metric('ws_msgs_received', 'counter'),
  wsReqTtfr: metric('ws_req_ttfr', 'trend', 'time'),
  wsReqDuration: metric('ws_req_duration', 'trend', 'time'),
  wsReqFailed: metric('ws_req_failed', 'rate'),
  wsPing: metric('ws_ping', 'trend', 'time'),
  wsStreamFrameLag: metric('ws_stream_frame_lag', 'trend', 'time'),
  wsErrors: metric('ws_errors', 'counter'),
  httpReqs: metric('http_reqs', 'counter'),
  httpReqDuration: metric('http_req_duration', 'trend', 'time'),
  httpReqBlocked: metric('http_req_blocked', 'trend', 'time'),
  httpReqConnecting: metric('http_req_connecting', 'trend', 'time'),
  httpReqTlsHandshaking: metric('http_req_tls_handshaking', 'trend', 'time'),
  httpReqSending: metric('http_req_sending', 'trend', 'time'),
  httpReqWaiting: metric('http_req_waiting', 'trend', 'time'),
  httpReqReceiving: metric('http_req_receiving', 'trend', 'time'),
  httpReqFailed: metric('http_req_failed', 'rate'),
} as const;

type BuiltinKey = keyof typeof BUILTINS;

/** Built-in metric names by key: `Metric.iterationDuration === 'iteration_duration'`. */
export const Metric = namesOf(BUILTINS);

export const BUILTIN_METRICS: readonly MetricDefinition[] = Object.values(BUILTINS);

function metric<const Name extends string>(name: Name, type: MetricType, contains: ValueKind = 'default') {
  return { name, type, contains } as const;
}

function namesOf(builtins: typeof BUILTINS): { readonly [Key in BuiltinKey]: (typeof BUILTINS)[Key]['name'] } {
  const names: Partial<Record<BuiltinKey, string>> = {};
  for (const key of Object.keys(builtins) as BuiltinKey[]) names[key] = builtins[key].name;
  // Every key was filled from the table above, so the narrower type holds.
  return Object.freeze(names) as { readonly [Key in BuiltinKey]: (typeof BUILTINS)[Key]['name'] };
}
