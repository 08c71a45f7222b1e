/**
 * `wsk/http` (alias `k6/http`): HTTP requests for VUs, in k6's shape. Each VU keeps its own
 * keep-alive connections (reused across iterations) and its own cookie jar. Every request returns a
 * promise of its response: write `await http.get(url)`. (k6-style scripts that import `k6/http` and
 * omit `await` are rewritten at bundling.) A failed request (refused, timeout, reset, ...) is a
 * response with `error` and `error_code` set, counted in `http_req_failed` — not an exception,
 * unless `throw: true` is set in its params.
 */
import type { Selection } from '../../../types/wsk/html.js';

/** A file for a multipart body, made by `http.file()`. */
export interface FileData {
  readonly data: string | ArrayBuffer;
  readonly filename: string;
  readonly content_type: string;
}

/** A form field's value; null and undefined are sent empty. */
export type FormValue = string | number | boolean | null | undefined;

/**
 * A request body: text, bytes, or an object of form fields. A form is url-encoded (fields sorted by
 * name, an array sent as the field repeated), or multipart/form-data when a field holds an
 * `http.file()`.
 */
export type RequestBody = string | ArrayBuffer | ArrayBufferView | Record<string, FormValue | readonly FormValue[] | FileData> | null | undefined;

/** What counts as an expected response; made by `http.expectedStatuses`. */
export interface ResponseCallback {
  readonly expectedStatuses: readonly { readonly min: number; readonly max: number }[];
}

export interface Params {
  headers?: Record<string, string>;
  /** Tags on this request's metrics; `name` groups requests whose URLs differ (e.g. ids in the path). */
  tags?: Record<string, string>;
  /** Ms (a number) or a duration string ('30s'); default 60 s. */
  timeout?: number | string;
  /** 'text' (default), 'binary' (body is an ArrayBuffer) or 'none' (body discarded, null). */
  responseType?: 'text' | 'binary' | 'none';
  /** Redirects to follow (default: options.maxRedirects, else 10); 0 returns the 3xx response. */
  redirects?: number;
  /** Cookies for this request only, sent with the VU jar's. */
  cookies?: Record<string, string | { value: string; replace?: boolean }>;
  /** Which statuses are expected (http_req_failed 0); null: do not count this request in http_req_failed. */
  responseCallback?: ResponseCallback | null;
  /** Throw on a failed request (no response) instead of returning a response with `error` set. */
  throw?: boolean;
  /** The jar this request reads and stores cookies in, instead of the VU's. */
  jar?: CookieJar | null;
}

export interface Timings {
  /** Waiting for a free connection. */
  readonly blocked: number;
  /** TCP connect (0 on a reused connection). */
  readonly connecting: number;
  /** TLS handshake (0 on http or a reused connection). */
  readonly tls_handshaking: number;
  readonly sending: number;
  /** First byte: from the request written to the response's first byte. */
  readonly waiting: number;
  readonly receiving: number;
  /** sending + waiting + receiving, in ms. */
  readonly duration: number;
}

export interface ResponseCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  readonly http_only: boolean;
  readonly secure: boolean;
  readonly max_age: number;
  readonly expires: number;
}

export interface Response {
  /** 0 when no response came (see `error`). */
  readonly status: number;
  readonly status_text: string;
  readonly proto: string;
  /** The final URL, after redirects. */
  readonly url: string;
  /** Header names in canonical form ('Content-Type'). */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: Readonly<Record<string, readonly ResponseCookie[]>>;
  /** Text, bytes (responseType 'binary') or null (responseType 'none', or no response). */
  readonly body: string | ArrayBuffer | null;
  readonly timings: Timings;
  /** '' when a response came, whatever its status. */
  readonly error: string;
  /** 0, or k6's code: 1050 timeout, 1101 no such host, 1212 refused, 1220 reset, 1300+ TLS, 1000 + status for 4xx/5xx ... */
  readonly error_code: number;
  readonly remote_ip: string;
  readonly remote_port: number;
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string };
  /**
   * The body parsed as JSON; with a selector ('items.0.name', 'items[0].name') the value at that path
   * (undefined when absent). Throws on a body that is not JSON.
   */
  json(selector?: string): unknown;
  /** The body parsed as HTML (k6/html's parseHTML); with a selector, `.find(selector)` of it. */
  html(selector?: string): Selection;
}

/** One request of `http.batch`: a URL (GET), [method, url, body?, params?], or an object. */
export type BatchRequest =
  | string
  | TaggedUrl
  | [method: string, url: string | TaggedUrl, body?: RequestBody, params?: Params]
  | { method?: string; url: string | TaggedUrl; body?: RequestBody; params?: Params };

/** A URL built with the `http.url` template tag: its `name` tag is the template, so ids do not split metrics. */
export interface TaggedUrl {
  readonly url: string;
  readonly name: string;
}

export interface CookieOptions {
  domain?: string;
  path?: string;
  /** A date as in an Expires attribute: "Mon, 02 Jan 2006 15:04:05 GMT". */
  expires?: string;
  /** Seconds; 0 or less removes the cookie. */
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
}

/** Cookies by URL, as a browser keeps them: `http.cookieJar()` (the VU's, emptied each iteration) or `new http.CookieJar()`. */
export interface CookieJar {
  /** Puts a cookie in the jar as if `url` had answered with its Set-Cookie. */
  set(url: string, name: string, value: string, options?: CookieOptions | null): void;
  /** The jar's cookies that a request to `url` would carry, by name. */
  cookiesForURL(url: string): Record<string, string[]>;
  /** Removes the cookies named `name` that a request to `url` would carry. */
  delete(url: string, name: string): void;
  /** Removes every cookie a request to `url` would carry. */
  clear(url: string): void;
}

declare const http: {
  get(url: string | TaggedUrl, params?: Params): Promise<Response>;
  head(url: string | TaggedUrl, params?: Params): Promise<Response>;
  post(url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  put(url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  patch(url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  del(url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  options(url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  request(method: string, url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  /** The same as `request`; k6-style scripts are not rewritten to wait for it, so a VU can overlap requests. */
  asyncRequest(method: string, url: string | TaggedUrl, body?: RequestBody, params?: Params): Promise<Response>;
  /** Sends the requests in parallel (at most options.batchPerHost connections per host, default 6). */
  batch<T extends BatchRequest[] | Record<string, BatchRequest>>(requests: T): Promise<T extends BatchRequest[] ? Response[] : Record<keyof T, Response>>;
  url(strings: TemplateStringsArray, ...values: unknown[]): TaggedUrl;
  expectedStatuses(...statuses: (number | { min: number; max: number })[]): ResponseCallback;
  /** The default responseCallback of this VU's requests (k6's default: statuses 200-399). */
  setResponseCallback(callback: ResponseCallback | null): void;
  /** This VU's cookie jar: requests without params.jar use it; emptied at the start of each iteration, as in k6. */
  cookieJar(): CookieJar;
  /** A new, empty jar, for requests that name it in params.jar. */
  CookieJar: new () => CookieJar;
  /** A file for a multipart body: `http.post(url, { upload: http.file(data, 'a.txt', 'text/plain') })`. */
  file(data: string | ArrayBuffer | ArrayBufferView, filename?: string, contentType?: string): FileData;
};
export default http;
export const get: typeof http.get;
export const head: typeof http.head;
export const post: typeof http.post;
export const put: typeof http.put;
export const patch: typeof http.patch;
export const del: typeof http.del;
export const options: typeof http.options;
export const request: typeof http.request;
export const asyncRequest: typeof http.asyncRequest;
export const batch: typeof http.batch;
export const url: typeof http.url;
export const expectedStatuses: typeof http.expectedStatuses;
export const setResponseCallback: typeof http.setResponseCallback;
export const cookieJar: typeof http.cookieJar;
export const CookieJar: typeof http.CookieJar;
export const file: typeof http.file;
