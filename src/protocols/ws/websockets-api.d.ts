/**
 * `wsk/websockets` (aliases `k6/websockets`, `k6/experimental/websockets`): the browser-style
 * WebSocket k6 documents first. `new WebSocket(url)` connects at once; handlers set right after it
 * see every event. The iteration that opened a WebSocket does not end while it is open: close it
 * (from a handler) to let the iteration end. An iteration that ends otherwise (a handler threw, the
 * scenario's gracefulStop interrupted it) closes the WebSockets it left open, and their handlers
 * hear no more. Metrics are wsk/ws's: ws_sessions, ws_connecting, ws_msgs_sent, ws_msgs_received,
 * ws_session_duration, ws_ping, ws_errors, tagged with `url` and `name` and the params' tags.
 */
export {};

export type BinaryType = 'blob' | 'arraybuffer';
export type ReadyState = 0 | 1 | 2 | 3;

export interface Params {
  /** Extra headers of the handshake request. */
  headers?: Record<string, string>;
  /** Tags on this WebSocket's metrics (`name` groups WebSockets whose URLs differ). */
  tags?: Record<string, string>;
  /** 'deflate' negotiates permessage-deflate. */
  compression?: 'deflate';
}

export interface WebSocketEvent {
  /** 'open', 'message', 'error', 'close', 'ping' or 'pong'. */
  readonly type: string;
  readonly target: WebSocket;
  /** When it happened, in ms since the epoch. */
  readonly timestamp: number;
}

export interface MessageEvent extends WebSocketEvent {
  /** A text message's string; a binary one's bytes as a Blob, or an ArrayBuffer if binaryType is 'arraybuffer'. */
  readonly data: string | ArrayBuffer | Blob;
  /** The WebSocket's url. */
  readonly origin: string;
}

export interface ErrorEvent extends WebSocketEvent {
  /** What went wrong, as text: the connection failed (naming its kind: refused, dns, timeout, ...), broke, or closed with a code other than 1000 or 1001. */
  readonly error: string;
}

export interface CloseEvent extends WebSocketEvent {
  /** The close code (1006 when the connection failed or broke without one). */
  readonly code: number;
  readonly reason: string;
}

export interface WebSocketEventMap {
  open: WebSocketEvent;
  message: MessageEvent;
  error: ErrorEvent;
  close: CloseEvent;
  /** The server pinged (the pong is answered automatically). */
  ping: WebSocketEvent;
  /** The answer to ping() came (its round trip is recorded in ws_ping). */
  pong: WebSocketEvent;
}

export declare class WebSocket {
  static readonly CONNECTING: 0;
  static readonly OPEN: 1;
  static readonly CLOSING: 2;
  static readonly CLOSED: 3;
  /**
   * Connects to `url` (ws:// or wss://) at once, offering `protocols` as subprotocols. Only in an
   * iteration (or setup/teardown), not in init code.
   */
  constructor(url: string, protocols?: string | string[] | null, params?: Params);
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  readonly url: string;
  readonly readyState: ReadyState;
  /** The subprotocol the server chose ('' until open, or if none). */
  readonly protocol: string;
  /** The extensions the server accepted (the Sec-WebSocket-Extensions values). */
  readonly extensions: string[];
  /** How binary messages arrive: 'blob' (the default, as in k6) or 'arraybuffer'. */
  binaryType: BinaryType;
  /**
   * Bytes sent that the network has not taken yet. Non-zero only when the target reads slower than
   * the script writes.
   */
  readonly bufferedAmount: number;
  /** The handler of each event (null: none); it runs before those added with addEventListener. */
  onopen: ((event: WebSocketEvent) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onping: ((event: WebSocketEvent) => void) | null;
  onpong: ((event: WebSocketEvent) => void) | null;
  /**
   * Adds a handler of `type`; every one added runs, in order. A handler that throws fails the
   * iteration (after, for 'open' and 'message', the WebSocket closes and its error and close
   * handlers run).
   */
  addEventListener<K extends keyof WebSocketEventMap>(type: K, listener: (event: WebSocketEventMap[K]) => void): void;
  /** Sends a text (string) or binary message. Throws an InvalidStateError unless the WebSocket is open. */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void;
  /** Pings the server; 'pong' follows when it answers. Throws an InvalidStateError unless open. */
  ping(): void;
  /** Starts the closing handshake: `code` 1000 (the default) or 3000–4999, `reason` at most 123 bytes of UTF-8. */
  close(code?: number, reason?: string): void;
}

/** Immutable bytes with a MIME type, as in browsers: what binary messages are by default. */
export declare class Blob {
  constructor(parts?: Array<string | ArrayBuffer | ArrayBufferView | Blob>, options?: { type?: string });
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
  bytes(): Promise<Uint8Array>;
  /** The bytes decoded as UTF-8. */
  text(): Promise<string>;
  slice(start?: number, end?: number, type?: string): Blob;
}
