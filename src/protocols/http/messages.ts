/**
 * What `wsk/http` adds to the crossing: the request action. Its answer comes back as the core's
 * resolve event (a request never rejects: a failure is a response with an error).
 */
import type { JarCookie } from './cookie-jar.js';

/** One part of a multipart/form-data body: a field (filename null) or a file. */
export interface MultipartPart {
  readonly name: string;
  readonly filename: string | null;
  readonly contentType: string | null;
  readonly data: string | ArrayBuffer;
}

/** A request body as it crosses: text, bytes, or a multipart form the host writes out with this boundary. */
export type RequestBodyWire = string | ArrayBuffer | { readonly boundary: string; readonly parts: readonly MultipartPart[] } | null;

/** An HTTP request as it crosses to the host; the body is already encoded. */
export interface HttpRequestWire {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: RequestBodyWire;
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
  /** The cookies of the request's jar: the host follows the redirect chain with a copy of them. */
  readonly jar: readonly JarCookie[];
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
  /** Each hop's Set-Cookie lines with its URL, in order, for the sandbox to store in the request's jar. */
  readonly cookieUpdates: readonly (readonly [url: string, setCookies: readonly string[]])[];
}
/** An HTTP request; op resolves with an HttpResponseWire (never rejects: failures are responses with an error). */
export type HttpAction = [kind: 'http', vu: number, op: number, request: HttpRequestWire];
export type HttpProtocolAction = HttpAction;

