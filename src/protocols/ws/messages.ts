/**
 * What `wsk/ws` adds to the crossing: socket actions from the sandbox, socket events to it. The
 * sandbox side (sandbox.ts) emits the actions and takes the events; the host side (host.ts) the
 * reverse. Every kind here has a handler on the other side, or the handler tables do not compile.
 */
import type { JsonRule } from './matching.js';

/**
 * Something happened on a WebSocket: a data message (`a` is the text or the bytes, `b` whether it was
 * binary), its close (`a` code, `b` reason) or an error (`a` message, `b` kind). `at` is the host's
 * clock (ms) when it happened, so latencies never include sandbox delay.
 */
export type SocketEvent = [kind: 'ws', socket: number, what: SocketEventKind, a: unknown, b: unknown, at: number];
/**
 * 'ping': the server pinged; 'buffered': `a` is the socket's send buffer size, which changed; 'timeout':
 * request `a` timed out; 'taken': a message (as 'message') that a request correlated on the host took
 * as its reply, for the socket's message handlers only (sent only once the socket has some, see wsListen).
 */
export type SocketEventKind = 'message' | 'close' | 'error' | 'ping' | 'buffered' | 'timeout' | 'taken';

/** Options of ws.open() as they cross to the host. */
export interface SocketOpenOptions {
  readonly headers: Record<string, string>;
  readonly subprotocols: string[];
  readonly compression: boolean;
  readonly timeoutMs: number;
  /** The VU's group and the script's tags for this socket's metrics. */
  readonly group: string;
  readonly tags: Record<string, string>;
  /** What the script called to open it, for messages: 'ws.open' or 'new WebSocket'. */
  readonly call: string;
  /** It belongs to the iteration that opened it (a k6/websockets WebSocket): the end of that iteration closes it. */
  readonly perIteration: boolean;
}
/** Open socket `socket` of `vu`; op resolves with { protocol } or rejects with "<kind>: message". */
export type SocketOpenAction = [kind: 'wsOpen', vu: number, op: number, socket: number, url: string, options: SocketOpenOptions];
/**
 * Send on a socket; `request` (non-zero) stamps the send time of a correlated request, and the host
 * answers with a 'timeout' socket event for it if no wsReqEnd came within `timeoutMs`.
 */
export type SocketSendAction = [kind: 'wsSend', vu: number, socket: number, data: string | ArrayBuffer, request: number, timeoutMs: number];
/**
 * A request whose replies the host correlates (its match and until are rules, not functions; null:
 * every message, and the first reply ends it): the host sends `data`, collects the replies, records
 * the ws_req_* samples, and resolves `op` with the replies, also when it times out or the socket
 * closes under it. Messages that are no reply of it cross as usual.
 */
export type SocketRequestAction = [
  kind: 'wsRequest',
  vu: number,
  op: number,
  socket: number,
  data: string | ArrayBuffer,
  match: JsonRule | null,
  until: JsonRule | null,
  timeoutMs: number,
  group: string,
  tags: Record<string, string> | null,
];
/** The socket has message handlers now: replies the host takes for a request reach them too ('taken' events). */
export type SocketListenAction = [kind: 'wsListen', vu: number, socket: number];
export type SocketCloseAction = [kind: 'wsClose', vu: number, socket: number, code: number, reason: string];
/** Ping; op resolves with the round trip in ms. */
export type SocketPingAction = [kind: 'wsPing', vu: number, op: number, socket: number];
/**
 * A correlated request is over: host times of its first and last reply (0: none came), whether it
 * failed (timed out), and its group and tags. The host turns them into ws_req_* samples.
 */
export type RequestEndAction = [kind: 'wsReqEnd', vu: number, socket: number, request: number, firstAt: number, lastAt: number, failed: boolean, group: string, tags: Record<string, string> | null];
/**
 * Stream the bytes held under `held` as binary frames of frameBytes, one every intervalMs on a
 * drift-free schedule; op resolves when the last is out. The sandbox handed the bytes to the host
 * once, when the script called stream() (the `holdBytes` host function, src/net/held-bytes.ts: one
 * copy per content however many VUs stream it); the stream lets go of them when it ends.
 */
export type SocketStreamAction = [kind: 'wsStream', vu: number, op: number, socket: number, held: number, frameBytes: number, intervalMs: number, group: string, tags: Record<string, string> | null];
export type SocketAction =
  | SocketOpenAction
  | SocketSendAction
  | SocketRequestAction
  | SocketListenAction
  | SocketCloseAction
  | SocketPingAction
  | RequestEndAction
  | SocketStreamAction;

