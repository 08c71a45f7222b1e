import { describe, expect, it } from 'vitest';
import { Metric } from '../../../src/metrics/builtin.js';
import { PROTOCOLS } from '../../../src/protocols/index.js';
import { WsMetric } from '../../../src/protocols/ws/metrics.js';
import { HttpMetric } from '../../../src/protocols/http/metrics.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { WskError } from '../../../src/errors.js';

describe('built-in metrics', () => {
  it('names each built-in once, with its type and value kind', () => {
    expect(PROTOCOLS.metrics).toEqual([
      { name: 'vus', type: 'gauge', contains: 'default' },
      { name: 'vus_max', type: 'gauge', contains: 'default' },
      { name: 'iterations', type: 'counter', contains: 'default' },
      { name: 'iteration_duration', type: 'trend', contains: 'time' },
      { name: 'dropped_iterations', type: 'counter', contains: 'default' },
      { name: 'checks', type: 'rate', contains: 'default' },
      { name: 'group_duration', type: 'trend', contains: 'time' },
      { name: 'data_sent', type: 'counter', contains: 'data' },
      { name: 'data_received', type: 'counter', contains: 'data' },
      { name: 'ws_sessions', type: 'counter', contains: 'default' },
      { name: 'ws_connecting', type: 'trend', contains: 'time' },
      { name: 'ws_connection_failed', type: 'rate', contains: 'default' },
      { name: 'ws_session_duration', type: 'trend', contains: 'time' },
      { name: 'ws_msgs_sent', type: 'counter', contains: 'default' },
      { name: 'ws_msgs_received', type: 'counter', contains: 'default' },
      { name: 'ws_req_ttfr', type: 'trend', contains: 'time' },
      { name: 'ws_req_duration', type: 'trend', contains: 'time' },
      { name: 'ws_req_failed', type: 'rate', contains: 'default' },
      { name: 'ws_ping', type: 'trend', contains: 'time' },
      { name: 'ws_stream_frame_lag', type: 'trend', contains: 'time' },
      { name: 'ws_errors', type: 'counter', contains: 'default' },
      { name: 'http_reqs', type: 'counter', contains: 'default' },
      { name: 'http_req_duration', type: 'trend', contains: 'time' },
      { name: 'http_req_blocked', type: 'trend', contains: 'time' },
      { name: 'http_req_connecting', type: 'trend', contains: 'time' },
      { name: 'http_req_tls_handshaking', type: 'trend', contains: 'time' },
      { name: 'http_req_sending', type: 'trend', contains: 'time' },
      { name: 'http_req_waiting', type: 'trend', contains: 'time' },
      { name: 'http_req_receiving', type: 'trend', contains: 'time' },
      { name: 'http_req_failed', type: 'rate', contains: 'default' },
    ]);
    expect(Metric).toEqual({
      vus: 'vus',
      vusMax: 'vus_max',
      iterations: 'iterations',
      iterationDuration: 'iteration_duration',
      droppedIterations: 'dropped_iterations',
      checks: 'checks',
      groupDuration: 'group_duration',
      dataSent: 'data_sent',
      dataReceived: 'data_received',
    });
    expect(WsMetric).toEqual({
      sessions: 'ws_sessions',
      connecting: 'ws_connecting',
      connectionFailed: 'ws_connection_failed',
      sessionDuration: 'ws_session_duration',
      msgsSent: 'ws_msgs_sent',
      msgsReceived: 'ws_msgs_received',
      reqTtfr: 'ws_req_ttfr',
      reqDuration: 'ws_req_duration',
      reqFailed: 'ws_req_failed',
      ping: 'ws_ping',
      streamFrameLag: 'ws_stream_frame_lag',
      errors: 'ws_errors',
    });
    expect(HttpMetric).toEqual({
      reqs: 'http_reqs',
      reqDuration: 'http_req_duration',
      reqBlocked: 'http_req_blocked',
      reqConnecting: 'http_req_connecting',
      reqTlsHandshaking: 'http_req_tls_handshaking',
      reqSending: 'http_req_sending',
      reqWaiting: 'http_req_waiting',
      reqReceiving: 'http_req_receiving',
      reqFailed: 'http_req_failed',
    });
  });
});

describe('MetricRegistry', () => {
  it('starts with the built-ins and adds custom metrics in order', () => {
    const registry = new MetricRegistry();
    const latency = registry.define('ws_latency', 'trend', 'time');
    expect(latency).toEqual({ name: 'ws_latency', type: 'trend', contains: 'time' });
    expect(registry.get('ws_latency')).toBe(latency);
    expect(registry.get(Metric.checks)).toEqual({ name: 'checks', type: 'rate', contains: 'default' });
    expect(registry.get('nope')).toBeUndefined();
    expect(registry.names()).toEqual([...PROTOCOLS.metrics.map((definition) => definition.name), 'ws_latency']);
  });

  it('allows redefining with the same type and value kind', () => {
    const registry = new MetricRegistry();
    const first = registry.define('errors', 'counter');
    expect(registry.define('errors', 'counter', 'default')).toBe(first);
    expect(registry.define(Metric.iterations, 'counter')).toBe(registry.get('iterations'));
  });

  const conflicts: [type: 'trend' | 'counter', contains: 'default' | 'data', message: string][] = [
    ['trend', 'default', 'metric "errors" is already a counter; cannot redefine it as a trend'],
    ['counter', 'data', 'metric "errors" already holds default values; cannot redefine it to hold data values'],
  ];
  it.each(conflicts)('refuses to redefine as a %s of %s values', (type, contains, message) => {
    const registry = new MetricRegistry();
    registry.define('errors', 'counter');
    expect(() => registry.define('errors', type, contains)).toThrow(message);
  });

  const badNames = ['', '1st', 'ws-latency', 'ws latency', 'é', 'x'.repeat(129)];
  it.each(badNames)('rejects the name %j with a configuration error', (name) => {
    const error = thrownBy(() => new MetricRegistry().define(name, 'trend'));
    expect(error).toBeInstanceOf(WskError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION', exitCode: 104 });
    expect((error as WskError).message).toBe(
      `invalid metric name ${JSON.stringify(name)}; allowed: a letter or "_" followed by letters, digits or "_", at most 128 characters`,
    );
  });

  it('accepts names of up to 128 characters', () => {
    expect(new MetricRegistry().define(`_${'a'.repeat(127)}`, 'gauge').name).toHaveLength(128);
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
