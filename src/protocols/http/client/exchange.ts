/**
 * One call of HttpClient.request(): the hops of a redirect chain, each timed from the events of its
 * request, socket and response, ending in exactly one HttpResult (never a rejection).
 *
 * Hot path: Node's events call the static listeners below with the emitter as `this`; the emitter
 * carries its exchange under a symbol. So a request allocates no closures for its events, and a
 * late event of a request the exchange has moved on from (a retry, a redirect, a timeout) finds
 * that request is no longer the current one and is ignored.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { decodeBody } from './body.js';
import { toArrayBuffer } from '../../../net/bytes.js';
import type { Connections } from './connections.js';
import { responseCookies } from '../cookie-jar.js';
import { classifyError, decompressionFailure, HttpErrorCode, statusErrorCode, TIMEOUT, type HttpFailure } from './errors.js';
import { basicAuthorization, readResponseHeaders, requestHeaders, type ResponseHeaders } from './headers.js';
import { metricUrl, redirectKeepsBody, redirectMethod, refererFor, sameSite } from './redirect.js';
import { PhaseMarks, phaseTimings } from './timings.js';
import type { HttpHop, HttpRequestSpec, HttpResult } from './types.js';

export interface ExchangeContext {
  readonly connections: Connections;
  readonly userAgent: string;
  readonly noConnectionReuse: boolean;
}

const kExchange = Symbol('wsk.http.exchange');
interface Tagged {
  [kExchange]?: Exchange | undefined;
}

/** setTimeout's largest delay; longer timeouts would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Methods Go's transport resends when a kept-alive connection turns out to be closed by the server. */
const REPLAYABLE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export class Exchange {
  readonly #context: ExchangeContext;
  readonly #spec: HttpRequestSpec;
  readonly #resolve: (result: HttpResult) => void;
  readonly #first: URL;
  /** The request's own cookies (`params.cookies`), sent on every hop before the jar's. */
  readonly #ownCookies: string;
  readonly #hops: HttpHop[] = [];
  readonly #cookieUpdates: [url: string, setCookies: readonly string[]][] = [];
  readonly #marks = new PhaseMarks();
  #url: URL;
  #previous: URL | undefined;
  #method: string;
  #body: string | Buffer | null;
  #bodyDropped = false;
  #timer: NodeJS.Timeout | undefined;
  #request: ClientRequest | undefined;
  #socket: Socket | undefined;
  #bytesWritten = 0;
  #bytesRead = 0;
  #remoteIp = '';
  #remotePort = 0;
  #response: IncomingMessage | undefined;
  #headers: ResponseHeaders | undefined;
  /** The method of the next hop when this response is a redirect to follow, else ''. */
  #redirectTo = '';
  #chunks: Buffer[] = [];
  #length = 0;
  #retried = false;
  #settled = false;

  constructor(context: ExchangeContext, spec: HttpRequestSpec, url: URL, resolve: (result: HttpResult) => void) {
    this.#context = context;
    this.#spec = spec;
    this.#resolve = resolve;
    this.#first = url;
    this.#url = url;
    this.#method = spec.method;
    this.#body = spec.body === null || typeof spec.body === 'string' || Buffer.isBuffer(spec.body) ? spec.body : Buffer.from(spec.body);
    let own = '';
    for (const name in spec.cookies) own += (own === '' ? '' : '; ') + name + '=' + spec.cookies[name];
    this.#ownCookies = own;
  }

  start(): void {
    const ms = this.#spec.timeoutMs;
    if (ms > 0 && Number.isFinite(ms)) this.#timer = setTimeout(Exchange.#onTimeout, Math.min(ms, MAX_TIMER_MS), this);
    this.#send(performance.now());
  }

  #send(startedAt: number): void {
    const url = this.#url;
    const jarCookies = this.#spec.jar.header(url.href);
    const cookie = this.#ownCookies === '' ? jarCookies : jarCookies === '' ? this.#ownCookies : this.#ownCookies + '; ' + jarCookies;
    const previous = this.#previous;
    const headers = requestHeaders(this.#spec.headers, {
      userAgent: this.#context.userAgent,
      authorization: basicAuthorization(url),
      cookie,
      referer: previous === undefined ? '' : refererFor(previous, url),
      dropCredentials: previous !== undefined && !sameSite(this.#first, url),
      dropBodyHeaders: this.#bodyDropped,
      closeConnection: this.#context.noConnectionReuse,
    });
    this.#marks.restart(startedAt);
    this.#request = undefined;
    this.#socket = undefined;
    this.#response = undefined;
    this.#headers = undefined;
    this.#redirectTo = '';
    this.#chunks = [];
    this.#length = 0;
    this.#remoteIp = '';
    this.#remotePort = 0;
    let request: ClientRequest;
    try {
      request = this.#context.connections.open(url, this.#method, headers);
    } catch (error) {
      this.#fail({ code: HttpErrorCode.generic, message: (error as Error).message });
      return;
    }
    (request as Tagged)[kExchange] = this;
    this.#request = request;
    request.on('socket', Exchange.#onSocket);
    request.on('finish', Exchange.#onFinish);
    request.on('response', Exchange.#onResponse);
    request.on('error', Exchange.#onRequestError);
    if (this.#body === null) request.end();
    else request.end(this.#body);
  }

  static #onSocket(this: ClientRequest, socket: Socket): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange === undefined || exchange.#request !== this) return;
    const marks = exchange.#marks;
    marks.socket = performance.now();
    exchange.#socket = socket;
    exchange.#bytesWritten = socket.bytesWritten;
    exchange.#bytesRead = socket.bytesRead;
    if (this.reusedSocket || !socket.connecting) {
      marks.reused = this.reusedSocket;
      // A new socket that is connected already had no connect for us to time.
      if (!marks.reused) marks.connected = marks.socket;
      exchange.#remoteIp = socket.remoteAddress ?? '';
      exchange.#remotePort = socket.remotePort ?? 0;
      return;
    }
    // A new connection: its socket points to this exchange until it is ready.
    (socket as Tagged)[kExchange] = exchange;
    socket.once('lookup', Exchange.#onLookup);
    socket.once('connect', Exchange.#onConnect);
    if (exchange.#url.protocol === 'https:') socket.once('secureConnect', Exchange.#onSecureConnect);
  }

  static #onLookup(this: Socket): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange !== undefined && exchange.#socket === this) exchange.#marks.lookup = performance.now();
  }

  static #onConnect(this: Socket): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange === undefined || exchange.#socket !== this) return;
    exchange.#marks.connected = performance.now();
    exchange.#remoteIp = this.remoteAddress ?? '';
    exchange.#remotePort = this.remotePort ?? 0;
    if (exchange.#url.protocol !== 'https:') Exchange.#untag(this);
  }

  static #onSecureConnect(this: Socket): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange !== undefined && exchange.#socket === this) exchange.#marks.secured = performance.now();
    Exchange.#untag(this);
  }

  /** A pooled socket outlives its first exchange: let go of it so the exchange can be collected. */
  static #untag(socket: Socket): void {
    (socket as Tagged)[kExchange] = undefined;
  }

  static #onFinish(this: ClientRequest): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange !== undefined && exchange.#request === this) exchange.#marks.written = performance.now();
  }

  static #onResponse(this: ClientRequest, response: IncomingMessage): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange === undefined || exchange.#request !== this) {
      response.resume();
      return;
    }
    exchange.#marks.firstByte = performance.now();
    exchange.#response = response;
    (response as Tagged)[kExchange] = exchange;
    const headers = readResponseHeaders(response.rawHeaders);
    exchange.#headers = headers;
    // Every hop's cookies go into the jar, so the next hop of a redirect chain already carries them.
    if (headers.setCookies.length > 0) {
      exchange.#spec.jar.store(exchange.#url.href, headers.setCookies);
      exchange.#cookieUpdates.push([exchange.#url.href, headers.setCookies]);
    }
    if (headers.headers['Location'] !== undefined && exchange.#hops.length < exchange.#spec.redirects) {
      exchange.#redirectTo = redirectMethod(response.statusCode ?? 0, exchange.#method);
    }
    response.on('end', Exchange.#onEnd);
    response.on('error', Exchange.#onResponseError);
    if (exchange.#redirectTo !== '' || exchange.#spec.responseType === 'none') response.resume();
    else response.on('data', Exchange.#onData);
  }

  static #onData(this: IncomingMessage, chunk: Buffer): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange === undefined || exchange.#response !== this) return;
    exchange.#chunks.push(chunk);
    exchange.#length += chunk.length;
  }

  static #onEnd(this: IncomingMessage): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange === undefined || exchange.#response !== this || exchange.#settled) return;
    exchange.#marks.end = performance.now();
    if (exchange.#redirectTo !== '') exchange.#follow(this);
    else exchange.#finish(this);
  }

  static #onRequestError(this: ClientRequest, error: NodeJS.ErrnoException): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange === undefined || exchange.#request !== this || exchange.#settled) return;
    if (exchange.#mayRetry(this, error)) {
      // The server closed an idle kept-alive connection as we reused it: resend once on a new one, as Go does.
      exchange.#retried = true;
      exchange.#send(exchange.#marks.start);
      return;
    }
    exchange.#fail(classifyError(error));
  }

  static #onResponseError(this: IncomingMessage, error: NodeJS.ErrnoException): void {
    const exchange = (this as Tagged)[kExchange];
    if (exchange !== undefined && exchange.#response === this) exchange.#fail(classifyError(error));
  }

  static #onTimeout(exchange: Exchange): void {
    exchange.#timer = undefined;
    exchange.#fail(TIMEOUT);
  }

  #mayRetry(request: ClientRequest, error: NodeJS.ErrnoException): boolean {
    return (
      !this.#retried &&
      request.reusedSocket &&
      this.#response === undefined &&
      (error.code === 'ECONNRESET' || error.code === 'EPIPE') &&
      REPLAYABLE.has(this.#method)
    );
  }

  /** The response was a redirect to follow: on to the next hop. */
  #follow(response: IncomingMessage): void {
    const status = response.statusCode ?? 0;
    const location = (this.#headers as ResponseHeaders).headers['Location'] as string;
    let next: URL;
    try {
      next = new URL(location, this.#url);
    } catch {
      this.#fail({ code: HttpErrorCode.generic, message: `failed to parse Location header ${JSON.stringify(location)}` });
      return;
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      this.#fail({ code: HttpErrorCode.generic, message: `unsupported protocol scheme ${JSON.stringify(next.protocol.slice(0, -1))}` });
      return;
    }
    this.#record(status, '', 0);
    this.#previous = this.#url;
    this.#url = next;
    if (!redirectKeepsBody(status)) {
      this.#body = null;
      this.#bodyDropped = true;
    }
    this.#method = this.#redirectTo;
    // Node hands the socket back to the agent on the next tick after 'end': wait for it, so the next
    // hop reuses the connection instead of opening another.
    process.nextTick(Exchange.#sendNext, this);
  }

  static #sendNext(exchange: Exchange): void {
    if (!exchange.#settled) exchange.#send(performance.now());
  }

  #finish(response: IncomingMessage): void {
    const status = response.statusCode ?? 0;
    const headers = this.#headers as ResponseHeaders;
    let body: string | ArrayBuffer | null = null;
    if (this.#spec.responseType !== 'none') {
      let data: Buffer;
      try {
        data = decodeBody(this.#chunks, this.#length, headers.headers['Content-Encoding']);
      } catch (error) {
        this.#fail(decompressionFailure(error as Error));
        return;
      }
      body = this.#spec.responseType === 'text' ? data.toString('utf8') : toArrayBuffer(data);
    }
    const errorCode = statusErrorCode(status);
    const hop = this.#record(status, '', errorCode);
    const reason = response.statusMessage ?? '';
    this.#settle({
      status,
      statusText: reason === '' ? String(status) : `${status} ${reason}`,
      proto: `HTTP/${response.httpVersion}`,
      url: this.#url.href,
      headers: headers.headers,
      cookies: headers.setCookies.length === 0 ? {} : responseCookies(headers.setCookies),
      body,
      timings: hop.timings,
      error: '',
      errorCode,
      remoteIp: this.#remoteIp,
      remotePort: this.#remotePort,
      hops: this.#hops,
      cookieUpdates: this.#cookieUpdates,
    });
  }

  /** Ends the exchange without a response, as k6 does: status 0, the error and its code. */
  #fail(failure: HttpFailure): void {
    if (this.#settled) return;
    const hop = this.#record(0, failure.message, failure.code);
    const request = this.#request;
    this.#request = undefined;
    this.#response = undefined;
    request?.destroy();
    this.#settle({
      status: 0,
      statusText: '',
      proto: '',
      url: this.#url.href,
      headers: {},
      cookies: {},
      body: null,
      timings: hop.timings,
      error: failure.message,
      errorCode: failure.code,
      remoteIp: this.#remoteIp,
      remotePort: this.#remotePort,
      hops: this.#hops,
      cookieUpdates: this.#cookieUpdates,
    });
  }

  #record(status: number, error: string, errorCode: number): HttpHop {
    const socket = this.#socket;
    const hop: HttpHop = {
      method: this.#method,
      url: metricUrl(this.#url),
      status,
      proto: this.#response === undefined ? '' : `HTTP/${this.#response.httpVersion}`,
      timings: phaseTimings(this.#marks, performance.now()),
      error,
      errorCode,
      bytesSent: socket === undefined ? 0 : socket.bytesWritten - this.#bytesWritten,
      bytesReceived: socket === undefined ? 0 : socket.bytesRead - this.#bytesRead,
    };
    this.#hops.push(hop);
    return hop;
  }

  #settle(result: HttpResult): void {
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#chunks = [];
    this.#resolve(result);
  }
}
