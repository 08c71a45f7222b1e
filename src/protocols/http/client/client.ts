/**
 * The host side of `wsk/http`: a VU's HTTP client. It does the network work for the script-side
 * module (which encodes bodies and params, and records the http_req_* metrics from each result's
 * hops) with k6's behaviour: its timing phases, error codes, redirects, cookie jar and keep-alive.
 */
import type { NetworkOptions } from '../../../options/network.js';
import { Connections } from './connections.js';
import { invalidUrl, type HttpFailure } from './errors.js';
import { Exchange, type ExchangeContext } from './exchange.js';
import { noTimings } from './timings.js';
import type { HttpClientOptions, HttpRequestSpec, HttpResult } from './types.js';

export type { HttpClientOptions, HttpHop, HttpRequestSpec, HttpResult, HttpTimings, ResponseCookie } from './types.js';
export { CookieJar, type CookieOptions } from '../cookie-jar.js';
export { HttpErrorCode } from './errors.js';

/** One per VU: its own keep-alive connections (reused across iterations, as in k6); each request brings its cookie jar. */
export class HttpClient {
  readonly #connections: Connections;
  readonly #context: ExchangeContext;

  constructor(network: NetworkOptions, options: HttpClientOptions) {
    this.#connections = new Connections(network, options);
    this.#context = { connections: this.#connections, userAgent: options.userAgent, noConnectionReuse: options.noConnectionReuse };
  }

  /** Never rejects: a failure is a result with status 0, `error` and `errorCode`. */
  request(spec: HttpRequestSpec): Promise<HttpResult> {
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      return Promise.resolve(unsent(spec.url, invalidUrl(JSON.stringify(spec.url))));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.resolve(unsent(spec.url, invalidUrl(`unsupported protocol scheme ${JSON.stringify(url.protocol.slice(0, -1))} in ${JSON.stringify(spec.url)}; use http:// or https://`)));
    }
    const context = this.#context;
    return new Promise((resolve) => new Exchange(context, spec, url, resolve).start());
  }

  /** Destroys the VU's connections (the VU stopped); requests still running end with an error. */
  close(): void {
    this.#connections.destroy();
  }
}

/** The result of a request that never reached the wire: no hop, so no http_req_* samples. */
function unsent(url: string, failure: HttpFailure): HttpResult {
  return {
    status: 0,
    statusText: '',
    proto: '',
    url,
    headers: {},
    cookies: {},
    body: null,
    timings: noTimings(),
    error: failure.message,
    errorCode: failure.code,
    remoteIp: '',
    remotePort: 0,
    hops: [],
    cookieUpdates: [],
  };
}
