/**
 * What `wsk/http` adds to the crossing: request and cookie-jar actions. Their answers come back as
 * the core's resolve events (a request never rejects: a failure is a response with an error).
 */

/** An HTTP request as it crosses to the host; the body is already encoded. */
export interface HttpRequestWire {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | ArrayBuffer | null;
  readonly timeoutMs: number;
  /** Redirects to follow; -1: the script's options.maxRedirects (default 10). */
  readonly redirects: number;
  /** '': the default (text, or none under options.discardResponseBodies). */
  readonly responseType: 'text' | 'binary' | 'none' | '';
  readonly cookies: Record<string, string>;
  /** Expected statuses as [min, max] ranges (http_req_failed 0); null: not counted in http_req_failed. */
  readonly expected: [number, number][] | null;
  /** The VU's group and the script's tags (`name` included) for this request's metrics. */
  readonly group: string;
  readonly tags: Record<string, string>;
}
/** What an HTTP request's op resolves with: k6's response fields, before the sandbox wraps them. */
export interface HttpResponseWire {
  readonly status: number;
  readonly statusText: string;
  readonly proto: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly cookies: Record<string, unknown[]>;
  readonly body: string | ArrayBuffer | null;
  readonly timings: Record<'blocked' | 'connecting' | 'tls_handshaking' | 'sending' | 'waiting' | 'receiving' | 'duration', number>;
  readonly error: string;
  readonly errorCode: number;
  readonly remoteIp: string;
  readonly remotePort: number;
}
/** An HTTP request; op resolves with an HttpResponseWire (never rejects: failures are responses with an error). */
export type HttpAction = [kind: 'http', vu: number, op: number, request: HttpRequestWire];
/** The VU's cookie jar: 'get' resolves op with the cookies for url; the others resolve op with undefined. */
export type CookieAction = [kind: 'cookie', vu: number, op: number, what: 'set' | 'get' | 'delete' | 'clear', url: string, name: string, value: string, options: Record<string, unknown> | null];

export type HttpProtocolAction = HttpAction | CookieAction;

