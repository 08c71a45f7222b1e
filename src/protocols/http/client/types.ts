import type { CookieJar } from '../cookie-jar.js';

/**
 * The vocabulary of wsk's host-side HTTP client: what the script side asks for (one request, already
 * encoded) and what it gets back, shaped like k6's `http.Response` so the runtime can hand it over as is.
 */

export interface HttpRequestSpec {
  /** Upper-case: GET, POST, ... */
  readonly method: string;
  /** Absolute http:// or https:// URL; `user:pass@` in it means basic auth. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Already encoded (form and JSON bodies by the script side, multipart ones by the host side). */
  readonly body: string | ArrayBuffer | Buffer | null;
  /** The whole request, redirects included; 0 or less means no limit (k6's default is 60 s, the caller passes it). */
  readonly timeoutMs: number;
  /** How many redirects to follow (k6's default is 10); 0 returns the 3xx itself. */
  readonly redirects: number;
  readonly responseType: 'text' | 'binary' | 'none';
  /** Extra cookies for this request only, sent before the jar's (as k6's `params.cookies`). */
  readonly cookies: Readonly<Record<string, string>>;
  /** The jar the hops read their cookies from and store their Set-Cookie lines in. */
  readonly jar: CookieJar;
}

/** Milliseconds (fractional), as k6's `res.timings`. */
export interface HttpTimings {
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  /** sending + waiting + receiving. */
  duration: number;
}

/** One request on the wire: a redirect chain has several; the caller records http_req_* metrics per hop as k6 does. */
export interface HttpHop {
  readonly method: string;
  /** For the `url` and `name` tags: credentials masked as k6 does ("http://****:****@host/"). */
  readonly url: string;
  /** 0 when no response came. */
  readonly status: number;
  /** The response's HTTP version ("HTTP/1.1"); '' when no response came. */
  readonly proto: string;
  readonly timings: HttpTimings;
  readonly error: string;
  readonly errorCode: number;
  /** Bytes on the socket for this hop, headers included. */
  readonly bytesSent: number;
  readonly bytesReceived: number;
}

/** A Set-Cookie of a response, as k6's `res.cookies[name][i]`. */
export interface ResponseCookie {
  name: string;
  value: string;
  /** The Domain attribute as sent ('' when absent). */
  domain: string;
  /** The Path attribute as sent ('' when absent). */
  path: string;
  http_only: boolean;
  secure: boolean;
  /** Seconds; 0 when absent, -1 for "delete now" (Max-Age=0 or less), as Go's http.Cookie. */
  max_age: number;
  /** Unix milliseconds; 0 when absent. */
  expires: number;
}

export interface HttpResult {
  /** 0 when no (complete) response came. */
  readonly status: number;
  /** As k6's status_text, e.g. "200 OK". */
  readonly statusText: string;
  /** "HTTP/1.1" */
  readonly proto: string;
  /** The final URL, after redirects. */
  readonly url: string;
  /** Canonical casing ("Content-Type"); repeated headers joined with ", ". */
  readonly headers: Record<string, string>;
  /** The final response's Set-Cookie headers, parsed. */
  readonly cookies: Record<string, ResponseCookie[]>;
  /** null for responseType 'none' or when no response came. */
  readonly body: string | ArrayBuffer | null;
  /** Of the final hop. */
  readonly timings: HttpTimings;
  /** '' when a response came (whatever its status); else a short message like k6's. */
  readonly error: string;
  /** 0, or k6's error code (see HttpErrorCode); 1000 + status for a 4xx or 5xx. */
  readonly errorCode: number;
  readonly remoteIp: string;
  readonly remotePort: number;
  readonly hops: readonly HttpHop[];
  /** Each hop's Set-Cookie lines with its URL, as stored in the request's jar. */
  readonly cookieUpdates: readonly (readonly [url: string, setCookies: readonly string[]])[];
}

export interface HttpClientOptions {
  /** k6's noConnectionReuse: every request on a new connection, sent with `Connection: close`. */
  readonly noConnectionReuse: boolean;
  /** Sent unless the request sets its own User-Agent; '' sends none. */
  readonly userAgent: string;
  /** Connections per host at once (k6's batchPerHost, 6); further requests wait for a free one (http_req_blocked). */
  readonly maxSocketsPerHost: number;
}
