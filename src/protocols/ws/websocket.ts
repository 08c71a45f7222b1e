/**
 * The `wsk/websockets` module (k6/websockets): the browser-style WebSocket, on the same host socket
 * as wsk/ws (so the same metrics and tags). Each one holds its iteration's event loop until it
 * closes; the host closes it when that iteration ends any other way (see HostSocket.detach).
 */
import type * as Api from './websockets-api.js';
import type { SocketCloseAction, SocketEventKind, SocketOpenAction, SocketOpenOptions, SocketPingAction, SocketSendAction } from './messages.js';
import type { SocketSink } from './sandbox.js';
import type { VuState } from '../../../runtime/vu.js';
import type { EventLoop } from '../../../runtime/event-loop.js';
import { bytesOf } from '../../../runtime/bytes.js';
import { textRecord } from '../../../runtime/tags.js';
import type { IdMap } from '../../../runtime/id-map.js';
import { Blob, blobBytes, describe, utf8Encode } from './blob.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

const EVENT_TYPES = ['open', 'message', 'error', 'close', 'ping', 'pong'] as const;
type EventType = (typeof EVENT_TYPES)[number];
type Listener = (event: Api.WebSocketEvent) => unknown;

/** k6's handshake timeout. */
const HANDSHAKE_TIMEOUT_MS = 60_000;
/** Close codes after which no error event comes (k6 fires one for any other). */
const NORMAL_CLOSE = new Set([1000, 1001]);
/** The code of a close the connection did not carry: it failed or broke. */
const ABNORMAL_CLOSE = 1006;
/** The code the WebSocket sends when a handler of its open or message event threw. */
const HANDLER_FAILED_CLOSE = 1011;
const PARAMS = ['headers', 'tags', 'jar', 'compression'];

class WebSocket implements Api.WebSocket, SocketSink {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;
  declare onopen: Api.WebSocket['onopen'];
  declare onmessage: Api.WebSocket['onmessage'];
  declare onerror: Api.WebSocket['onerror'];
  declare onclose: Api.WebSocket['onclose'];
  declare onping: Api.WebSocket['onping'];
  declare onpong: Api.WebSocket['onpong'];

  readonly vu: number;
  readonly url: string;
  readonly #state: VuState;
  readonly #sockets: IdMap<SocketSink>;
  readonly #id: number;
  readonly #loop: EventLoop;
  readonly #release: () => void;
  #readyState: Api.ReadyState = CONNECTING;
  #protocol = '';
  #extensions: string[] = [];
  #binaryType: Api.BinaryType = 'blob';
  #bufferedAmount = 0;
  /** An error event came in this session already: its close brings none. */
  #errored = false;
  readonly #on = new Map<EventType, Listener>();
  readonly #listeners = new Map<EventType, Listener[]>();

  static {
    for (const [index, name] of STATE_NAMES.entries()) Object.defineProperty(this.prototype, name, { value: index, enumerable: true });
    for (const type of EVENT_TYPES) {
      Object.defineProperty(this.prototype, `on${type}`, {
        get(this: WebSocket) {
          return this.#on.get(type) ?? null;
        },
        set(this: WebSocket, handler: unknown) {
          if (handler === null || handler === undefined) this.#on.delete(type);
          else if (typeof handler === 'function') this.#on.set(type, handler as Listener);
          else throw new TypeError(`on${type} must be a function or null, got ${describe(handler)}`);
        },
        enumerable: true,
      });
    }
  }

  constructor(state: VuState, sockets: IdMap<SocketSink>, id: number, url: string, options: SocketOpenOptions) {
    this.#state = state;
    this.#sockets = sockets;
    this.vu = state.id;
    this.#id = id;
    this.url = url;
    this.#loop = state.loop;
    this.#release = this.#loop.hold(() => this.#abandon());
    sockets.set(id, this);
    const opening = state.services.hostOp(state.id, (op): SocketOpenAction => ['wsOpen', state.id, op, id, url, options]);
    opening.then(
      (opened) => this.#opened(opened as { protocol: string; headers: Record<string, string> }),
      (error: Error) => this.#end(ABNORMAL_CLOSE, '', error.message),
    );
  }

  get readyState(): Api.ReadyState {
    return this.#readyState;
  }

  get protocol(): string {
    return this.#protocol;
  }

  get extensions(): string[] {
    return [...this.#extensions];
  }

  get bufferedAmount(): number {
    return this.#bufferedAmount;
  }

  get binaryType(): Api.BinaryType {
    return this.#binaryType;
  }

  set binaryType(type: Api.BinaryType) {
    if (type !== 'blob' && type !== 'arraybuffer') throw new TypeError(`binaryType must be "blob" or "arraybuffer", got ${describe(type)}`);
    this.#binaryType = type;
  }

  addEventListener<K extends keyof Api.WebSocketEventMap>(type: K, listener: (event: Api.WebSocketEventMap[K]) => void): void {
    if (typeof listener !== 'function') throw new TypeError(`addEventListener("${String(type)}"): the handler must be a function, got ${describe(listener)}`);
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      // k6 warns and goes on.
      this.#state.services.emit(['log', this.vu, 'warn', `addEventListener(): a WebSocket has no "${String(type)}" event; it has ${EVENT_TYPES.join(', ')}`]);
      return;
    }
    const list = this.#listeners.get(type);
    if (list === undefined) this.#listeners.set(type, [listener as Listener]);
    else list.push(listener as Listener);
  }

  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    this.#assertOpen('send');
    this.#state.services.emit(['wsSend', this.vu, this.#id, wire(data), 0, 0] satisfies SocketSendAction);
  }

  ping(): void {
    this.#assertOpen('ping');
    this.#state.services.hostOp(this.vu, (op): SocketPingAction => ['wsPing', this.vu, op, this.#id]).then(
      () => {
        if (this.#readyState === CLOSED) return;
        const failure = this.#dispatch('pong', this.#event('pong'));
        if (failure !== undefined) this.#loop.fail(failure.error);
      },
      // The socket closed before the pong: its close event says so.
      () => undefined,
    );
  }

  close(code?: number, reason?: string): void {
    if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
    const closeCode = code ?? 1000;
    if (closeCode !== 1000 && !(Number.isInteger(closeCode) && closeCode >= 3000 && closeCode <= 4999)) {
      throw named('InvalidAccessError', `close(): the code must be 1000 or from 3000 to 4999, got ${describe(code)}`);
    }
    const text = reason === undefined ? '' : String(reason);
    if (utf8Encode(text).byteLength > 123) throw named('SyntaxError', `close(): the reason must be at most 123 bytes of UTF-8, got ${utf8Encode(text).byteLength}`);
    this.#readyState = CLOSING;
    this.#state.services.emit(['wsClose', this.vu, this.#id, closeCode, text] satisfies SocketCloseAction);
  }

  /** A listener gets an event whose `data` it may read. */
  readsBytes(): boolean {
    return true;
  }

  deliver(what: SocketEventKind, a: unknown, b: unknown): void {
    switch (what) {
      case 'message':
        return this.#message(a as string | ArrayBuffer, b === true);
      case 'error': {
        // The connection broke; its close follows.
        this.#errored = true;
        const failure = this.#dispatch('error', this.#event('error', { error: String(a) }));
        if (failure !== undefined) this.#loop.fail(failure.error);
        return;
      }
      case 'close':
        return this.#end(a as number, b as string, NORMAL_CLOSE.has(a as number) ? undefined : `the connection closed with code ${String(a)}${b === '' ? '' : `: ${String(b)}`}`);
      case 'ping': {
        const failure = this.#dispatch('ping', this.#event('ping'));
        if (failure !== undefined) this.#loop.fail(failure.error);
        return;
      }
      case 'buffered':
        this.#bufferedAmount = a as number;
        return;
      case 'timeout':
      case 'taken':
        // Only wsk/ws's correlated requests time out or take replies.
        return;
      default: {
        const unknown: never = what;
        throw new Error(`a WebSocket got an event it does not know: ${String(unknown)}`);
      }
    }
  }

  #opened(opened: { protocol: string; headers: Record<string, string> }): void {
    // close() while connecting, or the iteration ended: no open event.
    if (this.#readyState !== CONNECTING) return;
    this.#readyState = OPEN;
    this.#protocol = opened.protocol;
    const extensions = opened.headers['sec-websocket-extensions'];
    this.#extensions = extensions === undefined ? [] : [extensions];
    const failure = this.#dispatch('open', this.#event('open'));
    if (failure !== undefined) this.#crash(failure.error);
  }

  #message(data: string | ArrayBuffer, binary: boolean): void {
    // As in k6: what arrives once close() was called is not handed to the script.
    if (this.#readyState !== OPEN) return;
    const payload = binary && this.#binaryType === 'blob' ? new Blob([data as ArrayBuffer]) : data;
    const failure = this.#dispatch('message', this.#event('message', { data: payload, origin: this.url }));
    if (failure !== undefined) this.#crash(failure.error);
  }

  /** A handler of the open or message event threw: the WebSocket closes, its error and close handlers run, the iteration fails. */
  #crash(error: unknown): void {
    this.#state.services.emit(['wsClose', this.vu, this.#id, HANDLER_FAILED_CLOSE, ''] satisfies SocketCloseAction);
    this.#end(ABNORMAL_CLOSE, '', error instanceof Error ? error.message : String(error), error);
  }

  /**
   * The session is over: error handlers first when it ended in error, then close handlers. What one
   * of them throws (or `cause`, what ended it) fails the iteration; the WebSocket stops holding it.
   */
  #end(code: number, reason: string, error: string | undefined, cause?: unknown): void {
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.#sockets.delete(this.#id);
    let failure = error === undefined || this.#errored ? undefined : this.#dispatch('error', this.#event('error', { error }));
    if (failure === undefined) failure = this.#dispatch('close', this.#event('close', { code, reason }));
    // Failed before released: the loop must not see the iteration end cleanly first.
    if (cause !== undefined) this.#loop.fail(cause);
    else if (failure !== undefined) this.#loop.fail(failure.error);
    this.#release();
  }

  /** The iteration ended with the WebSocket open: the host closes it; the script hears no more. */
  #abandon(): void {
    this.#readyState = CLOSED;
    this.#sockets.delete(this.#id);
  }

  /** Runs the handlers of `type`, on<type> first; the first that throws stops the rest, and what it threw is returned. */
  #dispatch(type: EventType, event: Api.WebSocketEvent): { error: unknown } | undefined {
    const on = this.#on.get(type);
    const listeners = this.#listeners.get(type) ?? [];
    for (const listener of on === undefined ? listeners : [on, ...listeners]) {
      try {
        listener.call(this, event);
      } catch (error) {
        return { error };
      }
    }
    return undefined;
  }

  #event(type: EventType, fields: Record<string, unknown> = {}): Api.WebSocketEvent {
    return { type, target: this, timestamp: Date.now(), ...fields };
  }

  #assertOpen(call: string): void {
    if (this.#readyState === OPEN) return;
    const when = this.#readyState === CONNECTING ? 'call it from onopen or later' : 'it was closed';
    throw named('InvalidStateError', `${call}(): the WebSocket to ${this.url} is ${STATE_NAMES[this.#readyState]}; ${when}`);
  }
}

/** The realm's class, under a name the VU's own `WebSocket` constructor does not shadow. */
export const BrowserSocket = WebSocket;

/**
 * The module of one VU. `WebSocket` is the VU's own constructor of the realm's one class, since a
 * WebSocket belongs to the VU (and iteration) that made it.
 */
export function createWebSocketsModule(state: VuState, sockets: IdMap<SocketSink>, nextId: () => number): typeof Api {
  const construct = function WebSocket(url: unknown, protocols?: unknown, params?: unknown): Api.WebSocket {
    if (new.target === undefined) throw new TypeError("WebSocket is a class: create one with 'new WebSocket(url)'");
    if (state.services.inInit()) {
      throw new Error('new WebSocket(): not available in init code (the top level of the script); create it in the default function or another exported function');
    }
    const target = socketUrl(url);
    return new BrowserSocket(state, sockets, nextId(), target, openOptions(state, protocols, params));
  };
  Object.defineProperty(construct, 'prototype', { value: BrowserSocket.prototype });
  for (const [index, name] of STATE_NAMES.entries()) Object.defineProperty(construct, name, { value: index, enumerable: true });
  return { WebSocket: Object.freeze(construct) as unknown as typeof Api.WebSocket, Blob };
}

function socketUrl(url: unknown): string {
  if (typeof url !== 'string' || !/^wss?:\/\//i.test(url)) {
    throw new SyntaxError(`new WebSocket(): the url must start with ws:// or wss://, got ${url === undefined ? 'none' : describe(url)}`);
  }
  if (url.includes('#')) throw new SyntaxError(`new WebSocket(): the url must have no fragment, got ${JSON.stringify(url)}`);
  return url;
}

function openOptions(state: VuState, protocols: unknown, params: unknown): SocketOpenOptions {
  const subprotocols = protocols === undefined || protocols === null ? [] : typeof protocols === 'string' ? [protocols] : Array.isArray(protocols) ? protocols.map(String) : undefined;
  if (subprotocols === undefined) throw new TypeError(`new WebSocket(): protocols must be a string or an array of strings, got ${describe(protocols)}`);
  if (params !== undefined && params !== null && (typeof params !== 'object' || Array.isArray(params))) {
    throw new TypeError(`new WebSocket(): params must be an object, got ${describe(params)}`);
  }
  const given = (params ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!PARAMS.includes(key)) throw new TypeError(`new WebSocket(): unknown param "${key}"; params may have ${PARAMS.join(', ')}`);
  }
  if (given['jar'] !== undefined && given['jar'] !== null) {
    throw new TypeError('new WebSocket(): params.jar is not supported by wsk; send cookies in params.headers.Cookie');
  }
  const compression = given['compression'];
  if (compression !== undefined && (typeof compression !== 'string' || compression.trim() !== 'deflate')) {
    throw new TypeError(`new WebSocket(): params.compression must be "deflate", got ${describe(compression)}`);
  }
  return {
    headers: { ...textRecord(given['headers'] as Record<string, string> | undefined, 'new WebSocket(): params.headers') },
    subprotocols,
    compression: compression !== undefined,
    timeoutMs: HANDSHAKE_TIMEOUT_MS,
    group: state.group,
    tags: { ...textRecord(given['tags'] as Record<string, string> | undefined, 'new WebSocket(): params.tags') },
    call: 'new WebSocket',
    perIteration: true,
  };
}

/** What send() puts on the wire: text for a string, the bytes of anything binary. */
function wire(data: unknown): string | ArrayBuffer {
  if (typeof data === 'string') return data;
  if (data instanceof Blob) return blobBytes(data);
  const bytes = bytesOf(data);
  if (bytes === undefined) throw new TypeError(`send(): cannot send ${describe(data)}; send a string, an ArrayBuffer, a typed array, a DataView or a Blob`);
  return bytes;
}

/** An Error whose name is a DOMException's ('InvalidStateError'), as browsers and k6 name them. */
function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
