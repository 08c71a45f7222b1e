/**
 * The `wsk/http` module (alias `k6/http`): requests in k6's shape. The request itself runs on the
 * host (its client keeps the VU's connections and cookie jar); this side checks and encodes what the
 * script passes, and wraps what comes back in a k6-style response. Failures are responses, not
 * exceptions, unless the script asks for `throw`.
 */
import type * as Http from './api.js';
import type { CookieAction, HttpAction, HttpProtocolAction, HttpRequestWire, HttpResponseWire } from './messages.js';
import { kindsOf } from '../../../runtime/protocol.js';
import type { SandboxProtocol, VuState } from '../../../runtime/vu.js';
import { bytesOf } from '../../../runtime/bytes.js';
import { readDuration } from '../../options/grammar.js';

const DEFAULT_TIMEOUT_MS = 60_000;
/** k6's default responseCallback: statuses 200 to 399 are expected. */
const DEFAULT_EXPECTED: [number, number][] = [[200, 399]];
const PARAM_KEYS = ['headers', 'tags', 'timeout', 'responseType', 'redirects', 'cookies', 'responseCallback', 'throw', 'auth', 'jar'];
const RESPONSE_TYPES = ['text', 'binary', 'none'];

/** A URL made by the `http.url` template tag; `name` (the template) becomes the request's name tag. */
class TaggedUrl implements Http.TaggedUrl {
  constructor(
    readonly url: string,
    readonly name: string,
  ) {}

  toString(): string {
    return this.url;
  }
}

class ExpectedStatuses implements Http.ResponseCallback {
  constructor(readonly expectedStatuses: readonly { readonly min: number; readonly max: number }[]) {}
}

class Response implements Http.Response {
  readonly status: number;
  readonly status_text: string;
  readonly proto: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, readonly Http.ResponseCookie[]>>;
  readonly body: string | ArrayBuffer | null;
  readonly timings: Http.Timings;
  readonly error: string;
  readonly error_code: number;
  readonly remote_ip: string;
  readonly remote_port: number;
  readonly request: Http.Response['request'];
  #parsed: { value: unknown } | undefined;

  constructor(wire: HttpResponseWire, request: HttpRequestWire) {
    this.status = wire.status;
    this.status_text = wire.statusText;
    this.proto = wire.proto;
    this.url = wire.url;
    this.headers = wire.headers;
    this.cookies = wire.cookies as Record<string, Http.ResponseCookie[]>;
    this.body = wire.body;
    this.timings = wire.timings;
    this.error = wire.error;
    this.error_code = wire.errorCode;
    this.remote_ip = wire.remoteIp;
    this.remote_port = wire.remotePort;
    this.request = { method: request.method, url: request.url, headers: request.headers, body: typeof request.body === 'string' ? request.body : '' };
  }

  json(selector?: string): unknown {
    if (this.#parsed === undefined) {
      if (typeof this.body !== 'string') throw new Error(`json(): the response of ${this.request.method} ${this.url} has no text body (responseType or error)`);
      try {
        this.#parsed = { value: JSON.parse(this.body) };
      } catch (error) {
        throw new Error(`json(): the body of ${this.request.method} ${this.url} is not JSON (${(error as Error).message})`);
      }
    }
    return selector === undefined ? this.#parsed.value : select(this.#parsed.value, selector);
  }
}

export function createHttpModule(state: VuState): typeof Http.default {
  const { services } = state;
  let defaultExpected: [number, number][] | null = DEFAULT_EXPECTED;
  let jar: Http.CookieJar | undefined;

  /** Checks and encodes at once, so a bad argument throws at the script's line; then waits for the host. */
  function request(method: string, url: string | Http.TaggedUrl, body?: Http.RequestBody, params?: Http.Params): Promise<Http.Response> {
    if (services.inInit()) throw new Error('http requests are not available in init code (the top level of the script); make them in setup() or the default function');
    return send(requestWire(method, url, body, params, state.group, defaultExpected), params);
  }

  async function send(wire: HttpRequestWire, params: Http.Params | undefined): Promise<Http.Response> {
    const result = (await services.hostOp(state.id, (op): HttpAction => ['http', state.id, op, wire])) as HttpResponseWire;
    if (params?.throw === true && result.error !== '' && result.status === 0) {
      throw new Error(`${wire.method} ${wire.url}: ${result.error} (error_code ${result.errorCode})`);
    }
    return new Response(result, wire);
  }

  const withoutBody =
    (method: string) =>
    (url: string | Http.TaggedUrl, params?: Http.Params): Promise<Http.Response> =>
      request(method, url, null, params);
  const withBody =
    (method: string) =>
    (url: string | Http.TaggedUrl, body?: Http.RequestBody, params?: Http.Params): Promise<Http.Response> =>
      request(method, url, body, params);

  async function batch(requests: Http.BatchRequest[] | Record<string, Http.BatchRequest>): Promise<Http.Response[] | Record<string, Http.Response>> {
    if (requests === null || typeof requests !== 'object') throw new TypeError(`http.batch(): expected an array or an object of requests, got ${describe(requests)}`);
    const send = (item: Http.BatchRequest, where: string): Promise<Http.Response> => {
      const [method, url, body, params] = batchItem(item, where);
      return request(method, url, body, params);
    };
    if (Array.isArray(requests)) return Promise.all(requests.map((item, i) => send(item, `http.batch()[${i}]`)));
    const names = Object.keys(requests);
    const responses = await Promise.all(names.map((name) => send(requests[name]!, `http.batch().${name}`)));
    return Object.fromEntries(names.map((name, i) => [name, responses[i]!]));
  }

  function url(strings: TemplateStringsArray, ...values: unknown[]): Http.TaggedUrl {
    let text = strings[0] ?? '';
    for (let i = 0; i < values.length; i++) text += String(values[i]) + (strings[i + 1] ?? '');
    return new TaggedUrl(text, strings.join('${}'));
  }

  function setResponseCallback(callback: Http.ResponseCallback | null): void {
    defaultExpected = expectedRanges(callback, 'http.setResponseCallback()');
  }

  function cookieJar(): Http.CookieJar {
    jar ??= {
      set: (url, name, value, options) => {
        services.emit(['cookie', state.id, 0, 'set', jarUrl(url, 'set'), String(name), String(value), options === undefined ? null : { ...options }] satisfies CookieAction);
      },
      cookiesForURL: async (url) =>
        (await services.hostOp(state.id, (op): CookieAction => ['cookie', state.id, op, 'get', jarUrl(url, 'cookiesForURL'), '', '', null])) as Record<string, string[]>,
      delete: (url, name) => {
        services.emit(['cookie', state.id, 0, 'delete', jarUrl(url, 'delete'), String(name), '', null] satisfies CookieAction);
      },
      clear: (url) => {
        services.emit(['cookie', state.id, 0, 'clear', jarUrl(url, 'clear'), '', '', null] satisfies CookieAction);
      },
    };
    return jar;
  }

  return {
    get: withoutBody('GET'),
    head: withoutBody('HEAD'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
    del: withBody('DELETE'),
    options: withBody('OPTIONS'),
    request,
    asyncRequest: request,
    batch: batch as typeof Http.default.batch,
    url,
    expectedStatuses,
    setResponseCallback,
    cookieJar,
  };
}

function expectedStatuses(...statuses: (number | { min: number; max: number })[]): Http.ResponseCallback {
  const ranges = statuses.map((status, i) => {
    const [min, max] = typeof status === 'number' ? [status, status] : [status?.min, status?.max];
    if (!isStatus(min) || !isStatus(max) || min > max) {
      throw new TypeError(`http.expectedStatuses(): argument ${i + 1} must be a status (100-599) or { min, max } of statuses, got ${describe(status)}`);
    }
    return { min, max };
  });
  return new ExpectedStatuses(ranges);
}

function requestWire(
  method: string,
  url: string | Http.TaggedUrl,
  body: Http.RequestBody,
  params: Http.Params | undefined,
  group: string,
  defaultExpected: [number, number][] | null,
): HttpRequestWire {
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) throw new TypeError(`http.request(): method must be a name like "GET", got ${describe(method)}`);
  const target = url instanceof TaggedUrl ? url.url : url;
  if (typeof target !== 'string' || !/^https?:\/\//i.test(target)) {
    throw new TypeError(`http: url must be a string starting with http:// or https://, got ${describe(target)}`);
  }
  const p = checkParams(params);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.headers ?? {})) headers[name] = String(value);
  const encoded = encodeBody(body, headers);
  const tags: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.tags ?? {})) tags[name] = String(value);
  if (url instanceof TaggedUrl && tags['name'] === undefined) tags['name'] = url.name;
  const cookies: Record<string, string> = {};
  for (const [name, cookie] of Object.entries(p.cookies ?? {})) cookies[name] = typeof cookie === 'string' ? cookie : String(cookie?.value ?? '');
  return {
    method: method.toUpperCase(),
    url: target,
    headers,
    body: encoded,
    timeoutMs: p.timeout === undefined ? DEFAULT_TIMEOUT_MS : timeoutMs(p.timeout),
    redirects: p.redirects ?? -1,
    responseType: p.responseType ?? '',
    cookies,
    expected: p.responseCallback === undefined ? defaultExpected : expectedRanges(p.responseCallback, 'params.responseCallback'),
    group,
    tags,
  };
}

function checkParams(params: Http.Params | undefined): Http.Params {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object') throw new TypeError(`http: params must be an object, got ${describe(params)}`);
  for (const key of Object.keys(params)) {
    if (!PARAM_KEYS.includes(key)) throw new TypeError(`http: unknown param "${key}"; expected one of ${PARAM_KEYS.join(', ')}`);
  }
  for (const key of ['headers', 'tags', 'cookies'] as const) {
    const value = params[key];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new TypeError(`http: params.${key} must be an object, got ${describe(value)}`);
    }
  }
  if (params.responseType !== undefined && !RESPONSE_TYPES.includes(params.responseType)) {
    throw new TypeError(`http: params.responseType must be one of ${RESPONSE_TYPES.join(', ')}, got ${describe(params.responseType)}`);
  }
  if (params.redirects !== undefined && !(Number.isInteger(params.redirects) && params.redirects >= 0)) {
    throw new TypeError(`http: params.redirects must be a whole number >= 0, got ${describe(params.redirects)}`);
  }
  const auth = (params as { auth?: unknown }).auth;
  if (auth !== undefined && auth !== 'basic') throw new TypeError(`http: params.auth ${describe(auth)} is not supported; use "basic" with user:pass@ in the URL`);
  return params;
}

function timeoutMs(timeout: number | string): number {
  const reading = readDuration(timeout);
  if ('ms' in reading && reading.ms > 0) return reading.ms;
  throw new TypeError(`http: params.timeout must be ms > 0 or a duration like "30s", got ${describe(timeout)}`);
}

function expectedRanges(callback: Http.ResponseCallback | null, where: string): [number, number][] | null {
  if (callback === null) return null;
  if (!(callback instanceof ExpectedStatuses)) throw new TypeError(`${where} must be made by http.expectedStatuses(...) or be null, got ${describe(callback)}`);
  return callback.expectedStatuses.map(({ min, max }) => [min, max]);
}

/** Strings and bytes go as they are; a plain object is sent as a form, as in k6. */
function encodeBody(body: Http.RequestBody, headers: Record<string, string>): string | ArrayBuffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  const bytes = bytesOf(body);
  if (bytes !== undefined) return bytes;
  if (typeof body === 'object' && !Array.isArray(body)) {
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    // Not bytes (bytesOf said so): a plain object of form fields.
    const fields = body as Record<string, string | number | boolean>;
    return Object.keys(fields)
      .sort()
      .map((name) => `${formEscape(name)}=${formEscape(String(fields[name]))}`)
      .join('&');
  }
  throw new TypeError(`http: body must be a string, bytes or an object of form fields, got ${describe(body)}`);
}

function formEscape(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

function batchItem(item: Http.BatchRequest, where: string): [string, string | Http.TaggedUrl, Http.RequestBody, Http.Params | undefined] {
  if (typeof item === 'string' || item instanceof TaggedUrl) return ['GET', item, null, undefined];
  if (Array.isArray(item)) {
    const [method, url, body, params] = item;
    return [method, url, body, params];
  }
  if (item !== null && typeof item === 'object' && 'url' in item) {
    const { method, url, body, params } = item as { method?: string; url: string | Http.TaggedUrl; body?: Http.RequestBody; params?: Http.Params };
    return [method ?? 'GET', url, body, params];
  }
  throw new TypeError(`${where} must be a URL, [method, url, body?, params?] or { method, url, body?, params? }, got ${describe(item)}`);
}

function jarUrl(url: unknown, method: string): string {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) throw new TypeError(`cookieJar().${method}(): url must start with http:// or https://, got ${describe(url)}`);
  return url;
}

/** The value at a path like 'items.0.name' or 'items[0].name'; undefined when absent. */
function select(value: unknown, selector: string): unknown {
  let current = value;
  for (const key of selector.replace(/\[(\d+)\]/g, '.$1').split('.').filter((k) => k !== '')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function isStatus(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

const isHttpAction = kindsOf<HttpProtocolAction>({ http: true, cookie: true });

const http: SandboxProtocol = {
  // What every VU of a realm reaches (the classes of the objects handed to scripts, a shared function): frozen by lockdown.
  shared: [Response, TaggedUrl, ExpectedStatuses, expectedStatuses],
  open: () => ({ modules: { 'wsk/http': (vu) => createHttpModule(vu) }, events: {} }),
  describe(action) {
    if (!isHttpAction(action)) return undefined;
    switch (action[0]) {
      case 'http':
        return { call: `http.request(${action[3].method} ${action[3].url})`, op: action[2] };
      case 'cookie':
        return { call: `cookieJar().${action[3]}()`, ...(action[2] === 0 ? {} : { op: action[2] }) };
      default: {
        const unknown: never = action;
        return { call: String((unknown as unknown[])[0]) };
      }
    }
  },
};

export default http;
