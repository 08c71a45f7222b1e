/**
 * The `wsk/http` module (alias `k6/http`): requests in k6's shape. The request itself runs on the
 * host (its client keeps the VU's connections); this side checks and encodes what the script
 * passes, keeps the cookie jars, and wraps what comes back in a k6-style response. Failures are
 * responses, not exceptions, unless the script asks for `throw`.
 */
import type * as Http from './api.js';
import type { HttpAction, HttpProtocolAction, HttpRequestWire, HttpResponseWire, MultipartPart, RequestBodyWire } from './messages.js';
import { kindsOf } from '../../../runtime/protocol.js';
import type { SandboxProtocol, VuState } from '../../../runtime/vu.js';
import { bytesOf } from '../../../runtime/bytes.js';
import { parseHTML, type Selection } from '../../../runtime/modules/html.js';
import { readDuration } from '../../options/grammar.js';
import { CookieJar as Jar } from './cookie-jar.js';

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

/** What `http.file()` makes: an object body holding one is sent as multipart/form-data. */
class FileData implements Http.FileData {
  constructor(
    readonly data: string | ArrayBuffer,
    readonly filename: string,
    readonly content_type: string,
  ) {}
}

/**
 * k6's CookieJar: `new http.CookieJar()` for a script's own, `http.cookieJar()` for the VU's. The
 * cookies live here, in the sandbox, so reads are synchronous and a dropped jar is collected with
 * its object; a request carries its jar's cookies to the host and stores the Set-Cookie lines of
 * every hop when its response comes back.
 */
class CookieJar implements Http.CookieJar {
  readonly #jar = new Jar();

  set(url: string, name: string, value: string, options?: Http.CookieOptions | null): void {
    this.#jar.set(url, String(name), String(value), cookieOptions(options));
  }

  cookiesForURL(url: string): Record<string, string[]> {
    return this.#jar.cookiesForUrl(url);
  }

  delete(url: string, name: string): void {
    this.#jar.delete(url, String(name));
  }

  clear(url: string): void {
    this.#jar.clear(url);
  }

  /** The cookies a request carries to the host. */
  static cookiesOf(jar: CookieJar): HttpRequestWire['jar'] {
    return jar.#jar.cookies();
  }

  /** Stores what each hop of a request's redirect chain set. */
  static store(jar: CookieJar, updates: HttpResponseWire['cookieUpdates']): void {
    for (const [url, lines] of updates) jar.#jar.store(url, lines);
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

  html(selector?: string): Selection {
    if (typeof this.body !== 'string') throw new Error(`html(): the response of ${this.request.method} ${this.url} has no text body (responseType or error)`);
    const document = parseHTML(this.body, this.url);
    return selector === undefined ? document : document.find(selector);
  }
}

export function createHttpModule(state: VuState): typeof Http.default {
  const { services } = state;
  let defaultExpected: [number, number][] | null = DEFAULT_EXPECTED;
  let vuJar: CookieJar | undefined;
  let vuJarIteration = -1;
  const warn = (text: string): void => services.emit(['log', state.id, 'warn', text]);

  /** Checks and encodes at once, so a bad argument throws at the script's line; then waits for the host. */
  function request(method: string, url: string | Http.TaggedUrl, body?: Http.RequestBody, params?: Http.Params): Promise<Http.Response> {
    if (services.inInit()) throw new Error('http requests are not available in init code (the top level of the script); make them in setup() or the default function');
    const jar = jarOf(params) ?? cookieJar();
    return send(requestWire(method, url, body, params, state.group, defaultExpected, CookieJar.cookiesOf(jar), warn), jar, params);
  }

  async function send(wire: HttpRequestWire, jar: CookieJar, params: Http.Params | undefined): Promise<Http.Response> {
    const result = (await services.hostOp(state.id, (op): HttpAction => ['http', state.id, op, wire])) as HttpResponseWire;
    CookieJar.store(jar, result.cookieUpdates);
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

  /** The VU's jar: a new one each iteration, as k6 empties it unless noCookiesReset (which wsk does not read). */
  function cookieJar(): CookieJar {
    if (services.inInit()) throw new Error('http.cookieJar() is not available in init code (the top level of the script); new http.CookieJar() is');
    if (vuJar === undefined || vuJarIteration !== state.iterationInInstance) {
      vuJar = new CookieJar();
      vuJarIteration = state.iterationInInstance;
    }
    return vuJar;
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
    CookieJar,
    file,
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

/** k6's http.file(): a file for a multipart body; its name defaults to the time in ns, as k6's does. */
function file(data: string | ArrayBuffer | ArrayBufferView, filename?: string, contentType?: string): FileData {
  const content = typeof data === 'string' ? data : bytesOf(data);
  if (content === undefined) throw new TypeError(`http.file(): data must be a string, an ArrayBuffer or a typed array, got ${describe(data)}`);
  const name = filename === undefined || filename === null ? `${Date.now()}000000` : String(filename);
  return new FileData(content, name, contentType === undefined || contentType === null ? 'application/octet-stream' : String(contentType));
}

/** The jar a request names in params.jar, if it names one. */
function jarOf(params: Http.Params | undefined): CookieJar | undefined {
  const jar = params !== null && typeof params === 'object' ? params.jar : undefined;
  if (jar === undefined || jar === null) return undefined;
  if (!(jar instanceof CookieJar)) throw new TypeError(`http: params.jar must be made by new http.CookieJar() or http.cookieJar(), got ${describe(jar)}`);
  return jar;
}

function cookieOptions(options: Http.CookieOptions | null | undefined): Http.CookieOptions | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') throw new TypeError(`CookieJar.set(): options must be an object, got ${describe(options)}`);
  return { ...options };
}

function requestWire(
  method: string,
  url: string | Http.TaggedUrl,
  body: Http.RequestBody,
  params: Http.Params | undefined,
  group: string,
  defaultExpected: [number, number][] | null,
  jar: HttpRequestWire['jar'],
  warn: (text: string) => void,
): HttpRequestWire {
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) throw new TypeError(`http.request(): method must be a name like "GET", got ${describe(method)}`);
  const target = url instanceof TaggedUrl ? url.url : url;
  if (typeof target !== 'string' || !/^https?:\/\//i.test(target)) {
    throw new TypeError(`http: url must be a string starting with http:// or https://, got ${describe(target)}`);
  }
  const p = checkParams(params);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(p.headers ?? {})) headers[name] = String(value);
  const encoded = encodeBody(body, headers, warn);
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
    jar,
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

/**
 * Strings and bytes go as they are. A plain object is a form, as in k6: multipart/form-data when a
 * field holds an http.file(), else url-encoded with the fields sorted by name; an array is the field
 * repeated, null and undefined are empty, a nested object is empty with a warning.
 */
function encodeBody(body: Http.RequestBody, headers: Record<string, string>, warn: (text: string) => void): RequestBodyWire {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  const bytes = bytesOf(body);
  if (bytes !== undefined) return bytes;
  if (typeof body !== 'object' || Array.isArray(body) || body instanceof FileData) {
    throw new TypeError(`http: body must be a string, bytes or an object of form fields, got ${body instanceof FileData ? 'an http.file() (put it in an object: { file: http.file(...) })' : describe(body)}`);
  }
  // Not bytes (bytesOf said so): a plain object of form fields.
  const fields = body as Record<string, Http.FormValue | readonly Http.FormValue[]>;
  const names = Object.keys(fields);
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (names.some((name) => fields[name] instanceof FileData)) {
    const boundary = multipartBoundary();
    if (!hasContentType) headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    const parts: MultipartPart[] = [];
    for (const name of names) {
      const value = fields[name];
      if (value instanceof FileData) parts.push({ name, filename: value.filename, contentType: value.content_type, data: value.data });
      else for (const item of repeated(value)) parts.push({ name, filename: null, contentType: null, data: formValue(name, item, warn) });
    }
    return { boundary, parts };
  }
  if (!hasContentType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  const pairs: string[] = [];
  for (const name of names.sort()) {
    for (const item of repeated(fields[name])) pairs.push(`${formEscape(name)}=${formEscape(formValue(name, item, warn))}`);
  }
  return pairs.join('&');
}

function repeated(value: Http.FormValue | readonly Http.FormValue[] | undefined): readonly (Http.FormValue | undefined)[] {
  return Array.isArray(value) ? value : [value as Http.FormValue | undefined];
}

function formValue(name: string, value: unknown, warn: (text: string) => void): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    warn(`http: form field "${name}" holds ${describe(value)}, which a form cannot carry; it is sent empty (send structured data with JSON.stringify())`);
    return '';
  }
  return String(value);
}

/** 30 random bytes in hex, as Go's multipart writer makes its boundaries. */
function multipartBoundary(): string {
  let boundary = '';
  for (let i = 0; i < 60; i++) boundary += '0123456789abcdef'[Math.floor(Math.random() * 16)];
  return boundary;
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

const isHttpAction = kindsOf<HttpProtocolAction>({ http: true });

const http: SandboxProtocol = {
  // What every VU of a realm reaches (the classes of the objects handed to scripts, a shared function): frozen by lockdown.
  shared: [Response, TaggedUrl, ExpectedStatuses, expectedStatuses, FileData, CookieJar, file],
  open: () => ({ modules: { 'wsk/http': (vu) => createHttpModule(vu) }, events: {} }),
  describe(action) {
    if (!isHttpAction(action)) return undefined;
    return { call: `http.request(${action[3].method} ${action[3].url})`, op: action[2] };
  },
};

export default http;
