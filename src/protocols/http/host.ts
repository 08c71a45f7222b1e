/**
 * The host side of `wsk/http` for one VU: its HTTP client (keep-alive connections, kept across
 * iterations as in k6; the cookie jars live in the sandbox), the http_req_* samples of every request on the wire (each
 * redirect is one, as in k6), and the answers handed back to the VU's realm.
 */
import { handlers } from '../../../runtime/protocol.js';
import type { HttpProtocolAction, HttpRequestWire, HttpResponseWire, RequestBodyWire } from './messages.js';
import { HttpClient, type HttpHop, type HttpResult } from './client/client.js';
import { CookieJar } from './cookie-jar.js';
import { multipartBody } from './client/multipart.js';
import { Metric } from '../../metrics/builtin.js';
import { HttpMetric } from './metrics.js';
import type { NetworkOptions } from '../../options/network.js';
import type { ProtocolContext, ProtocolHost, VuPort } from '../types.js';


/** Each VU's client, from its first request on, kept across iterations until the VU stops. */
export function openHttp(context: ProtocolContext): ProtocolHost {
  const clients = new Map<number, VuHttp>();
  const client = (vu: VuPort): VuHttp => {
    let mine = clients.get(vu.id);
    if (mine === undefined) {
      mine = new VuHttp(vu, context.record, context.network());
      clients.set(vu.id, mine);
    }
    return mine;
  };
  return {
    actions: handlers<HttpProtocolAction, [vu: VuPort]>({
      http: ([, , op, request], vu) => client(vu).request(op, request),
    }),
    stopVu: (vu) => {
      clients.get(vu.id)?.close();
      clients.delete(vu.id);
    },
    // Requests count their bytes as they finish.
    countTraffic: () => {},
  };
}

const PHASES = [
  [HttpMetric.reqBlocked, 'blocked'],
  [HttpMetric.reqConnecting, 'connecting'],
  [HttpMetric.reqTlsHandshaking, 'tls_handshaking'],
  [HttpMetric.reqSending, 'sending'],
  [HttpMetric.reqWaiting, 'waiting'],
  [HttpMetric.reqReceiving, 'receiving'],
] as const;

export class VuHttp {
  /** Where its answers go, and how its samples are tagged. */
  readonly #vu: Pick<VuPort, 'deliver' | 'tags'>;
  readonly #record: ProtocolContext['record'];
  readonly #network: NetworkOptions;
  readonly #client: HttpClient;
  #closed = false;

  constructor(vu: Pick<VuPort, 'deliver' | 'tags'>, record: ProtocolContext['record'], network: NetworkOptions) {
    this.#vu = vu;
    this.#record = record;
    this.#network = network;
    this.#client = new HttpClient(network, {
      noConnectionReuse: network.noConnectionReuse,
      userAgent: network.userAgent,
      maxSocketsPerHost: network.batchPerHost,
    });
  }

  request(op: number, wire: HttpRequestWire): void {
    const network = this.#network;
    const spec = {
      method: wire.method,
      url: wire.url,
      headers: wire.headers,
      body: requestBody(wire.body),
      timeoutMs: wire.timeoutMs,
      redirects: wire.redirects < 0 ? network.maxRedirects : wire.redirects,
      responseType: wire.responseType === '' ? (network.discardResponseBodies ? 'none' : 'text') : wire.responseType,
      cookies: wire.cookies,
      jar: CookieJar.of(wire.jar),
    } as const;
    void this.#client.request(spec).then((result) => {
      if (this.#closed) return;
      for (const hop of result.hops) this.#recordHop(hop, wire);
      this.#vu.deliver(['resolve', op, responseWire(result)]);
    });
  }

  /** The VU stopped: its connections go, and answers still on their way are dropped. */
  close(): void {
    this.#closed = true;
    this.#client.close();
  }

  #recordHop(hop: HttpHop, wire: HttpRequestWire): void {
    const own: Record<string, string> = {
      method: hop.method,
      url: hop.url,
      name: wire.tags['name'] ?? hop.url,
      status: String(hop.status),
      // The version the server answered with; a request that got no answer has none, as in k6.
      ...(hop.proto === '' ? {} : { proto: hop.proto }),
      ...withoutName(wire.tags),
    };
    const expected = wire.expected === null ? undefined : wire.expected.some(([min, max]) => hop.status >= min && hop.status <= max);
    if (expected !== undefined) own['expected_response'] = String(expected);
    if (hop.errorCode !== 0) own['error_code'] = String(hop.errorCode);
    const tags = this.#vu.tags(wire.group, own);
    const record = (metric: string, value: number): void => this.#record(metric, value, tags);
    record(HttpMetric.reqs, 1);
    record(HttpMetric.reqDuration, hop.timings.duration);
    for (const [metric, phase] of PHASES) record(metric, hop.timings[phase]);
    if (expected !== undefined) record(HttpMetric.reqFailed, expected ? 0 : 1);
    if (hop.bytesSent > 0) record(Metric.dataSent, hop.bytesSent);
    if (hop.bytesReceived > 0) record(Metric.dataReceived, hop.bytesReceived);
  }
}

function withoutName(tags: Record<string, string>): Record<string, string> {
  if (tags['name'] === undefined) return tags;
  const { name: _name, ...rest } = tags;
  return rest;
}

function requestBody(body: RequestBodyWire): string | ArrayBuffer | Buffer | null {
  return body === null || typeof body === 'string' || body instanceof ArrayBuffer ? body : multipartBody(body.boundary, body.parts);
}

function responseWire(result: HttpResult): HttpResponseWire {
  return {
    status: result.status,
    statusText: result.statusText,
    proto: result.proto,
    url: result.url,
    headers: result.headers,
    cookies: result.cookies,
    body: result.body,
    timings: result.timings,
    error: result.error,
    errorCode: result.errorCode,
    remoteIp: result.remoteIp,
    remotePort: result.remotePort,
    cookieUpdates: result.cookieUpdates,
  };
}
