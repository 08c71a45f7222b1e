/**
 * `wsk/ws`: WebSockets for VUs. Sockets may outlive an iteration (keep one in a module-level
 * variable) and are closed when the VU stops. Latencies are measured on the host, from the moment a
 * message is sent to the moment a reply arrives, so sandbox scheduling never hides in them.
 */
export {};

type Data = string | ArrayBuffer;
type Payload = string | ArrayBuffer | ArrayBufferView;

export interface OpenParams {
  headers?: Record<string, string>;
  subprotocols?: string[];
  /** 'deflate' negotiates permessage-deflate. */
  compression?: 'deflate';
  /** Tags on this socket's metrics (`name` groups sockets whose URLs differ). */
  tags?: Record<string, string>;
  /** How long the whole handshake may take, connecting and the upgrade's answer, in ms (default 10000). */
  timeout?: number;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

export interface ReceiveOptions {
  /** Ms to wait before the promise rejects (default 10000). */
  timeout?: number;
  /** Wait for the next message for which this is true (others stay for later receives). */
  match?: (data: Data) => boolean;
}

/**
 * A reply rule wsk applies on the host: the message is text that parses as JSON, and the field at
 * `json` (a dotted path: 'id', 'meta.id') is === `equals`. Binary and non-JSON messages never satisfy it.
 */
export interface JsonReplyRule {
  json: string;
  equals: string | number | boolean | null;
}

/**
 * Which messages a request takes. A rule (or none) lets wsk correlate on the host, so messages that
 * are no reply never cross into the script one by one: the cheaper form under load. A function runs
 * in the script for every message while the request is open.
 */
export type ReplyPredicate = ((data: Data) => boolean) | JsonReplyRule;

export interface RequestOptions {
  /**
   * Which incoming messages are replies to this request (default: every message), e.g.
   * `{ json: 'id', equals: id }`. Requests with rules see each message before those with functions.
   */
  match?: ReplyPredicate;
  /** The reply that ends the request (default: the first), e.g. `{ json: 'done', equals: true }`. */
  until?: ReplyPredicate;
  /** Ms before the request counts as failed (default 10000); it then resolves with the replies so far. */
  timeout?: number;
  tags?: Record<string, string>;
}

export interface StreamOptions {
  /** Bytes per binary frame, e.g. 640 for 20 ms of 16 kHz 16-bit mono PCM. */
  frameBytes: number;
  /** Ms between frames; frame i is due at start + i × intervalMs, however late the previous one left. */
  intervalMs: number;
  tags?: Record<string, string>;
}

export type SocketEvent = 'message' | 'binaryMessage' | 'close' | 'error' | 'ping';

export interface Socket {
  readonly url: string;
  /** The subprotocol the server chose ('' if none). */
  readonly protocol: string;
  readonly isOpen: boolean;
  /** The handshake response's headers. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * Bytes handed to send() that the network has not taken yet. Non-zero only when the target reads
   * slower than the script writes; a script can wait or skip sending while it grows.
   */
  readonly bufferedAmount: number;
  /** Resolves when the socket has closed, from either side. */
  readonly closed: Promise<CloseInfo>;
  /** Sends a text (string) or binary message. Throws on a closed socket. */
  send(data: Payload): void;
  on(event: 'message', handler: (data: string) => void): void;
  on(event: 'binaryMessage', handler: (data: ArrayBuffer) => void): void;
  on(event: 'close', handler: (code: number, reason: string) => void): void;
  on(event: 'error', handler: (error: Error) => void): void;
  /** The server pinged (the pong is answered automatically). */
  on(event: 'ping', handler: () => void): void;
  /**
   * The next message (or the next matching one). Messages that arrive while nothing waits are kept
   * for later receives (up to 1000), unless the socket has a message handler.
   */
  receive(options?: ReceiveOptions): Promise<Data>;
  /**
   * Sends `payload`, then collects the replies `match` accepts until `until` accepts one. Records
   * ws_req_ttfr (to the first reply) and ws_req_duration (to the last); a timeout is counted in
   * ws_req_failed and resolves with the replies so far rather than throwing.
   */
  request(payload: Payload, options?: RequestOptions): Promise<Data[]>;
  /** Sends `bytes` as paced binary frames; records ws_stream_frame_lag; resolves when the last frame is out. */
  stream(bytes: ArrayBuffer | ArrayBufferView, options: StreamOptions): Promise<void>;
  /** Resolves with the pong's round trip in ms (recorded in ws_ping). */
  ping(): Promise<number>;
  close(code?: number, reason?: string): void;
}

/** Opens a socket; rejects (an error naming the kind: refused, dns, timeout, handshake_status, tls, open_files, ...) if it cannot. */
export function open(url: string, params?: OpenParams): Promise<Socket>;

// ---------------------------------------------------------------------------------------------
// k6's callback form (what `k6/ws` scripts use)
// ---------------------------------------------------------------------------------------------

export type CallbackSocketEvent = 'open' | 'message' | 'binaryMessage' | 'ping' | 'pong' | 'close' | 'error';

export interface CallbackSocket {
  on(event: 'open' | 'ping' | 'pong', handler: () => void): void;
  on(event: 'message', handler: (data: string) => void): void;
  on(event: 'binaryMessage', handler: (data: ArrayBuffer) => void): void;
  on(event: 'close', handler: (code: number, reason: string) => void): void;
  on(event: 'error', handler: (error: Error) => void): void;
  send(data: string): void;
  sendBinary(data: ArrayBuffer | ArrayBufferView): void;
  ping(): void;
  close(code?: number): void;
  /** Runs `fn` once after `ms`, while the socket is open. */
  setTimeout(fn: () => void, ms: number): void;
  /** Runs `fn` every `ms` while the socket is open. */
  setInterval(fn: () => void, ms: number): void;
}

export type ConnectCallback = (socket: CallbackSocket) => void;

export interface ConnectResponse {
  /** 101 when the socket opened, 0 when it could not. */
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly url: string;
  /** Why the socket could not open ('' when it did). */
  readonly error: string;
}

/** Opens a socket, lets `callback` set it up, and resolves when it has closed. */
export function connect(url: string, callback: ConnectCallback): Promise<ConnectResponse>;
export function connect(url: string, params: OpenParams, callback: ConnectCallback): Promise<ConnectResponse>;
