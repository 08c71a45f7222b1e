/**
 * The `wsk/ws` module: WebSockets for VUs. The socket itself lives on the host (the `ws` library);
 * this side keeps what the script sees — handlers, waiting receives, correlated requests — and
 * turns host events into them. Every time that goes into a metric is the host's clock.
 */
import type * as Ws from './api.js';
import type {
  RequestEndAction,
  SocketAction,
  SocketCloseAction,
  SocketEvent,
  SocketEventKind,
  SocketOpenAction,
  SocketListenAction,
  SocketPingAction,
  SocketRequestAction,
  SocketSendAction,
  SocketStreamAction,
} from './messages.js';
import { replyRule, rulePredicate, type JsonRule } from './matching.js';
import { handlers, InboxBytes, kindsOf } from '../../../runtime/protocol.js';
import type { SandboxProtocol, VuState } from '../../../runtime/vu.js';
import { bytesOf, viewOf } from '../../../runtime/bytes.js';
import { textRecord } from '../../../runtime/tags.js';
import { IdMap } from '../../../runtime/id-map.js';
import { Blob } from './blob.js';
import { BrowserSocket, createWebSocketsModule } from './websocket.js';

type Data = string | ArrayBuffer;
// Handlers take what their event gives; the public overloads in wsk/ws say which.
type Handler = (...args: any[]) => void;

const DEFAULT_TIMEOUT_MS = 10_000;
/** Messages kept for receive() on a socket that has no message handler; the oldest go first. */
const INBOX_LIMIT = 1000;

interface Receiver {
  readonly match: ((data: Data) => boolean) | undefined;
  resolve(data: Data): void;
  reject(error: Error): void;
}

interface Collector {
  readonly request: number;
  readonly match: (data: Data) => boolean;
  readonly until: (data: Data) => boolean;
  readonly replies: Data[];
  firstAt: number;
  lastAt: number;
  finish(failed: boolean): void;
}

/** What the realm's router needs to hand a socket its host events. */
export interface SocketSink {
  readonly vu: number;
  deliver(what: SocketEventKind, a: unknown, b: unknown, at: number): void;
  /** Whether a binary message arriving now reaches script code that can read its bytes (see InboxBytes). */
  readsBytes(): boolean;
}

const functionText = Function.prototype.toString;
/** The start of an arrow function without parameters: it has no `arguments` of its own either. */
const NO_PARAMETERS = /^(?:async\s*)?\(\s*\)\s*=>/;

/** Whether `handler` can read what it is called with: anything but an arrow function without parameters. */
function readsArguments(handler: Handler): boolean {
  return handler.length > 0 || !NO_PARAMETERS.test(functionText.call(handler));
}

let nextSocket = 1;
let nextRequest = 1;
/** A new socket's id, unique in the realm (wsk/ws sockets and k6/websockets WebSockets share the table). */
const newSocketId = (): number => nextSocket++;

/**
 * One socket as the script sees it. Defined once per realm, not per VU (each VU's module instance
 * would otherwise make its own class, methods and hidden classes: kilobytes per VU in a large fleet).
 */
class Socket implements Ws.Socket, SocketSink {
  readonly vu: number;
  readonly url: string;
  protocol = '';
  headers: Record<string, string> = {};
  bufferedAmount = 0;
  readonly #state: VuState;
  readonly #sockets: IdMap<SocketSink>;
  readonly #id: number;
  readonly #tags: Record<string, string> | null;
  /** The script's handlers by event (read with #handlersOf): a plain object is a fraction of a Map's size for the few events a socket has. */
  readonly #handlers: Record<string, Handler[]> = {};
  readonly #receivers: Receiver[] = [];
  readonly #collectors: Collector[] = [];
  readonly #inbox: Data[] = [];
  #closeInfo: Ws.CloseInfo | undefined;
  /** The host knows the socket has message handlers (see wsListen). */
  #listening = false;
  /** Its binaryMessage handlers that can read the message (readsArguments). */
  #byteReaders = 0;
  /** `closed`, made when first asked for: a fleet of idle sockets mostly never is. */
  #closed: Promise<Ws.CloseInfo> | undefined;
  #resolveClosed: ((info: Ws.CloseInfo) => void) | undefined;

  constructor(state: VuState, sockets: IdMap<SocketSink>, id: number, url: string, tags: Record<string, string> | null) {
    this.#state = state;
    this.#sockets = sockets;
    this.vu = state.id;
    this.#id = id;
    this.url = url;
    this.#tags = tags;
  }

  get closed(): Promise<Ws.CloseInfo> {
    if (this.#closed === undefined) {
      const info = this.#closeInfo;
      this.#closed =
        info !== undefined
          ? Promise.resolve(info)
          : new Promise((resolve) => {
              this.#resolveClosed = resolve;
            });
    }
    return this.#closed;
  }

  get isOpen(): boolean {
    return this.#closeInfo === undefined;
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#assertOpen('send');
    this.#state.services.emit(['wsSend', this.#state.id, this.#id, toWire(data), 0, 0] satisfies SocketSendAction);
  }

  on(event: Ws.SocketEvent, handler: Handler): void {
    if (typeof handler !== 'function') throw new TypeError(`socket.on("${String(event)}"): the handler must be a function`);
    const list = this.#handlersOf(event);
    // Defined, not assigned: an event named '__proto__' is an own property like any other.
    if (list === undefined) Object.defineProperty(this.#handlers, event, { value: [handler], writable: true, enumerable: true, configurable: true });
    else list.push(handler);
    if (event === 'binaryMessage' && readsArguments(handler)) this.#byteReaders++;
    if ((event === 'message' || event === 'binaryMessage') && !this.#listening) {
      this.#listening = true;
      this.#state.services.emit(['wsListen', this.#state.id, this.#id] satisfies SocketListenAction);
    }
  }

  receive(options: Ws.ReceiveOptions = {}): Promise<Data> {
    const match = options.match;
    const index = match === undefined ? (this.#inbox.length > 0 ? 0 : -1) : this.#inbox.findIndex((d) => match(d));
    if (index >= 0) return Promise.resolve(this.#inbox.splice(index, 1)[0]!);
    if (this.#closeInfo !== undefined) return Promise.reject(this.#closedError('receive'));
    return new Promise<Data>((resolve, reject) => {
      const timer = this.#timeout(options.timeout, () => {
        this.#drop(this.#receivers, receiver);
        reject(new Error(`receive() timed out after ${timeoutMs(options.timeout)} ms on ${this.url}`));
      });
      const receiver: Receiver = {
        match,
        resolve: (data) => {
          timer.cancel();
          resolve(data);
        },
        reject: (error) => {
          timer.cancel();
          reject(error);
        },
      };
      this.#receivers.push(receiver);
    });
  }

  request(payload: string | ArrayBuffer | ArrayBufferView, options: Ws.RequestOptions = {}): Promise<Data[]> {
    this.#assertOpen('request');
    const matchRule = replyRule(options.match, 'request(): match');
    const untilRule = replyRule(options.until, 'request(): until');
    const tags = options.tags === undefined ? this.#tags : { ...this.#tags, ...textRecord(options.tags, 'request(): tags') };
    const group = this.#state.group;
    const timeout = timeoutMs(options.timeout);
    if (typeof matchRule !== 'function' && typeof untilRule !== 'function') {
      // Rules only: the host correlates, and the replies cross once, with the result.
      const data = toWire(payload);
      return this.#state.services.hostOp(
        this.#state.id,
        (op): SocketRequestAction => ['wsRequest', this.#state.id, op, this.#id, data, matchRule ?? null, untilRule ?? null, timeout, group, tags],
      ) as Promise<Data[]>;
    }
    return this.#collect(toWire(payload), predicate(matchRule), predicate(untilRule), timeout, group, tags);
  }

  /** A request with a function predicate: its replies are picked here, from every message that crosses. */
  #collect(data: Data, match: (data: Data) => boolean, until: (data: Data) => boolean, timeout: number, group: string, tags: Record<string, string> | null): Promise<Data[]> {
    const request = nextRequest++;
    return new Promise<Data[]>((resolve) => {
      let done = false;
      const collector: Collector = {
        request,
        match,
        until,
        replies: [],
        firstAt: 0,
        lastAt: 0,
        finish: (failed) => {
          if (done) return;
          done = true;
          this.#drop(this.#collectors, collector);
          this.#state.services.emit(['wsReqEnd', this.#state.id, this.#id, request, collector.firstAt, collector.lastAt, failed, group, tags] satisfies RequestEndAction);
          resolve(collector.replies);
        },
      };
      this.#collectors.push(collector);
      // The host keeps the request's timer: a 'timeout' event comes back only if it expires.
      this.#state.services.emit(['wsSend', this.#state.id, this.#id, data, request, timeout] satisfies SocketSendAction);
    });
  }

  async stream(bytes: ArrayBuffer | ArrayBufferView, options: Ws.StreamOptions): Promise<void> {
    this.#assertOpen('stream');
    const frameBytes = positiveInteger(options?.frameBytes, 'stream(): frameBytes');
    const intervalMs = positiveNumber(options?.intervalMs, 'stream(): intervalMs');
    const tags = options.tags === undefined ? this.#tags : { ...this.#tags, ...textRecord(options.tags, 'stream(): tags') };
    const group = this.#state.group;
    // The host keeps the bytes as they are now (the script may reuse its buffer), once per content:
    // copied into shared memory it gives out, which is much faster than handing them over as an argument.
    const view = viewOf(bytes);
    if (view === undefined) throw new TypeError(`stream(): expected an ArrayBuffer or a typed array, got ${typeof bytes}`);
    new Uint8Array(this.#state.services.host('holdSpace', view.byteLength) as SharedArrayBuffer).set(view);
    const held = this.#state.services.host('holdBytes', view.byteLength) as number;
    await this.#state.services.hostOp(this.#state.id, (op): SocketStreamAction => ['wsStream', this.#state.id, op, this.#id, held, frameBytes, intervalMs, group, tags]);
  }

  async ping(): Promise<number> {
    this.#assertOpen('ping');
    return (await this.#state.services.hostOp(this.#state.id, (op): SocketPingAction => ['wsPing', this.#state.id, op, this.#id])) as number;
  }

  close(code = 1000, reason = ''): void {
    if (this.#closeInfo !== undefined) return;
    this.#state.services.emit(['wsClose', this.#state.id, this.#id, code, reason] satisfies SocketCloseAction);
  }

  readsBytes(): boolean {
    return this.#byteReaders > 0 || this.#collectors.length > 0 || this.#receivers.length > 0 || this.#keepsMessages();
  }

  /** A socket without message handlers keeps a message no request or receive() took, for a later receive(). */
  #keepsMessages(): boolean {
    return this.#handlersOf('message') === undefined && this.#handlersOf('binaryMessage') === undefined;
  }

  deliver(what: SocketEventKind, a: unknown, b: unknown, at: number): void {
    switch (what) {
      case 'message':
        return this.#message(a as Data, b === true, at);
      case 'taken':
        return this.#emit(b === true ? 'binaryMessage' : 'message', a);
      case 'error':
        return this.#emit('error', new Error(String(a)));
      case 'close':
        return this.#close({ code: a as number, reason: b as string });
      case 'ping':
        return this.#emit('ping');
      case 'buffered':
        this.bufferedAmount = a as number;
        return;
      case 'timeout':
        this.#collectors.find((c) => c.request === a)?.finish(true);
        return;
      default: {
        const unknown: never = what;
        throw new Error(`a socket got an event it does not know: ${String(unknown)}`);
      }
    }
  }

  #message(data: Data, binary: boolean, at: number): void {
    this.#emit(binary ? 'binaryMessage' : 'message', data);
    for (const collector of this.#collectors) {
      // A predicate that throws (JSON.parse of a garbled reply, say) is the VU's error and means "no".
      if (!this.#ask(collector.match, data, 'in a request() match')) continue;
      if (collector.firstAt === 0) collector.firstAt = at;
      collector.lastAt = at;
      collector.replies.push(data);
      if (this.#ask(collector.until, data, 'in a request() until')) collector.finish(false);
      return;
    }
    const receiver = this.#receivers.find((r) => r.match === undefined || this.#ask(r.match, data, 'in a receive() match'));
    if (receiver !== undefined) {
      this.#drop(this.#receivers, receiver);
      receiver.resolve(data);
      return;
    }
    if (!this.#keepsMessages()) return;
    if (this.#inbox.length >= INBOX_LIMIT) this.#inbox.shift();
    this.#inbox.push(data);
  }

  #close(info: Ws.CloseInfo): void {
    if (this.#closeInfo !== undefined) return;
    this.#closeInfo = info;
    this.#sockets.delete(this.#id);
    for (const collector of [...this.#collectors]) collector.finish(true);
    for (const receiver of this.#receivers.splice(0)) receiver.reject(this.#closedError('receive'));
    this.#emit('close', info.code, info.reason);
    this.#resolveClosed?.(info);
  }

  #emit(event: string, ...args: unknown[]): void {
    const handlers = this.#handlersOf(event);
    if (handlers === undefined) return;
    // The handlers there were as the event came, as Node's EventEmitter and the DOM call them: one a
    // handler adds takes the next event (which readsBytes then knows of), not this one.
    for (let i = 0, count = handlers.length; i < count; i++) {
      const handler = handlers[i]!;
      try {
        handler(...args);
      } catch (error) {
        this.#state.services.report(this.vu, error, `in a socket '${event}' handler`);
      }
    }
  }

  /** Own properties only: a script may name any event, 'toString' included. */
  #handlersOf(event: string): Handler[] | undefined {
    return Object.hasOwn(this.#handlers, event) ? this.#handlers[event] : undefined;
  }

  /** A script predicate's answer; one that throws is reported as the VU's error and answers false. */
  #ask(predicate: (data: Data) => boolean, data: Data, what: string): boolean {
    try {
      return predicate(data);
    } catch (error) {
      this.#state.services.report(this.vu, error, what);
      return false;
    }
  }

  /** Calls `fire` after the timeout unless the returned timer is cancelled first. */
  #timeout(timeout: number | undefined, fire: () => void): { cancel(): void } {
    const timer = this.#state.services.timeout(this.#state.id, timeoutMs(timeout));
    void timer.expired.then(fire);
    return timer;
  }

  #drop<T>(list: T[], item: T): void {
    const index = list.indexOf(item);
    if (index >= 0) list.splice(index, 1);
  }

  #assertOpen(what: string): void {
    if (this.#closeInfo !== undefined) throw this.#closedError(what);
  }

  #closedError(what: string): Error {
    const info = this.#closeInfo!;
    return new Error(`${what}() on a closed socket (${this.url} closed with code ${info.code}${info.reason === '' ? '' : `: ${info.reason}`})`);
  }
}

/** The socket k6 scripts know: event handlers, sendBinary, and timers that live as long as the socket. */
class CallbackSocket implements Ws.CallbackSocket {
  readonly #state: VuState;
  readonly #socket: Ws.Socket;
  readonly #local = new Map<string, Handler[]>();
  #timers = true;

  constructor(state: VuState, socket: Ws.Socket) {
    this.#state = state;
    this.#socket = socket;
  }

  on(event: Ws.CallbackSocketEvent, handler: Handler): void {
    if (event === 'open' || event === 'pong') {
      const list = this.#local.get(event) ?? [];
      list.push(handler);
      this.#local.set(event, list);
    } else {
      this.#socket.on(event as 'message', handler);
    }
  }

  send(data: string): void {
    this.#socket.send(data);
  }

  sendBinary(data: ArrayBuffer | ArrayBufferView): void {
    this.#socket.send(data);
  }

  ping(): void {
    this.#socket.ping().then(
      () => this.#emit('pong'),
      () => undefined,
    );
  }

  close(code?: number): void {
    this.#socket.close(code);
  }

  setTimeout(fn: () => void, ms: number): void {
    void this.#after(ms).then((alive) => {
      if (alive) this.#call(fn, 'in a socket.setTimeout() callback');
    });
  }

  setInterval(fn: () => void, ms: number): void {
    if (!(ms > 0)) throw new TypeError(`socket.setInterval(): interval must be > 0 ms, got ${String(ms)}`);
    const tick = (alive: boolean): void => {
      if (!alive) return;
      this.#call(fn, 'in a socket.setInterval() callback');
      void this.#after(ms).then(tick);
    };
    void this.#after(ms).then(tick);
  }

  opened(): void {
    this.#emit('open');
  }

  stopTimers(): void {
    this.#timers = false;
  }

  /** Resolves after `ms` with whether the socket's timers still run. */
  async #after(ms: number): Promise<boolean> {
    await this.#state.services.hostOp(this.#state.id, (op) => ['sleep', this.#state.id, op, ms]);
    return this.#timers && this.#socket.isOpen;
  }

  #emit(event: string): void {
    for (const handler of this.#local.get(event) ?? []) this.#call(handler, `in a socket '${event}' handler`);
  }

  /** Runs a callback of the script's; what it throws is the VU's error, and the socket goes on. */
  #call(fn: () => void, what: string): void {
    try {
      fn();
    } catch (error) {
      this.#state.services.report(this.#state.id, error, what);
    }
  }
}

export function createWsModule(state: VuState, sockets: IdMap<SocketSink>): typeof Ws {
  const { services } = state;

  async function open(url: string, params: Ws.OpenParams = {}): Promise<Ws.Socket> {
    if (typeof url !== 'string' || !/^wss?:\/\//.test(url)) {
      throw new TypeError(`ws.open(): url must start with ws:// or wss://, got ${JSON.stringify(url)}`);
    }
    const tags = textRecord(params.tags, 'ws.open(): tags');
    const headers = textRecord(params.headers, 'ws.open(): headers');
    const id = newSocketId();
    const socket = new Socket(state, sockets, id, url, tags);
    sockets.set(id, socket);
    try {
      const opened = (await services.hostOp(state.id, (op): SocketOpenAction => [
        'wsOpen',
        state.id,
        op,
        id,
        url,
        {
          headers: { ...headers },
          subprotocols: [...(params.subprotocols ?? [])],
          compression: params.compression === 'deflate',
          timeoutMs: timeoutMs(params.timeout),
          group: state.group,
          tags: { ...tags },
          call: 'ws.open',
          perIteration: false,
        },
      ])) as { protocol: string; headers: Record<string, string> };
      socket.protocol = opened.protocol;
      socket.headers = opened.headers;
    } catch (error) {
      sockets.delete(id);
      throw error;
    }
    return socket;
  }

  /**
   * k6's callback form: opens the socket, hands it to `callback` to register handlers, and resolves
   * with the handshake's response once the socket has closed (the iteration waits, as in k6).
   */
  async function connect(url: string, params?: Ws.OpenParams | Ws.ConnectCallback, callback?: Ws.ConnectCallback): Promise<Ws.ConnectResponse> {
    const [options, handler] = typeof params === 'function' ? [{}, params] : [params ?? {}, callback];
    if (typeof handler !== 'function') throw new TypeError('ws.connect(url, params, callback): the callback must be a function');
    let socket: Ws.Socket;
    try {
      socket = await open(url, options);
    } catch (error) {
      return { status: 0, headers: {}, url, error: error instanceof Error ? error.message : String(error) };
    }
    const k6socket = new CallbackSocket(state, socket);
    handler(k6socket);
    k6socket.opened();
    await socket.closed;
    k6socket.stopTimers();
    return { status: 101, headers: socket.headers, url, error: '' };
  }

  return { open, connect };
}

/** A request's `match` or `until` as a predicate (none: every message). */
function predicate(rule: JsonRule | ((data: Data) => boolean) | undefined): (data: Data) => boolean {
  if (rule === undefined) return () => true;
  return typeof rule === 'function' ? rule : rulePredicate(rule);
}

function timeoutMs(timeout: number | undefined): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_MS;
  return positiveNumber(timeout, 'timeout');
}

function positiveNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) throw new TypeError(`${what} must be a number > 0, got ${String(value)}`);
  return value;
}

function positiveInteger(value: unknown, what: string): number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new TypeError(`${what} must be a whole number > 0, got ${String(value)}`);
  return value as number;
}

function toWire(data: string | ArrayBuffer | ArrayBufferView): Data {
  if (typeof data === 'string') return data;
  // k6 sends a number or a boolean as its text.
  if (typeof data === 'number' || typeof data === 'boolean') return String(data);
  return toBuffer(data);
}

/** An exact-size copy of the bytes (a view's slice, not its whole buffer). */
function toBuffer(data: ArrayBuffer | ArrayBufferView): ArrayBuffer {
  const bytes = bytesOf(data);
  if (bytes === undefined) throw new TypeError(`expected a string, ArrayBuffer or typed array, got ${typeof data}`);
  return bytes;
}

const isSocketAction = kindsOf<SocketAction>({
  wsOpen: true,
  wsSend: true,
  wsRequest: true,
  wsListen: true,
  wsClose: true,
  wsPing: true,
  wsReqEnd: true,
  wsStream: true,
});

const ws: SandboxProtocol = {
  // What every VU of a realm reaches (the classes of the sockets handed to scripts): frozen by lockdown.
  shared: [Socket, CallbackSocket, BrowserSocket, Blob],
  open(realm) {
    // The realm's open sockets by id, to hand them their host events.
    const sockets = new IdMap<SocketSink>();
    return {
      modules: {
        'wsk/ws': (vu) => createWsModule(vu, sockets),
        'wsk/websockets': (vu) => createWebSocketsModule(vu, sockets, newSocketId),
      },
      events: handlers<SocketEvent>({
        ws: ([, id, what, a, b, at]) => {
          const socket = sockets.get(id);
          if (socket === undefined) return;
          realm.enter(socket.vu);
          // A binary message nothing will read (its handlers take no parameters) is not copied out of the inbox.
          const unread = (what === 'message' || what === 'taken') && !socket.readsBytes();
          socket.deliver(what, a instanceof InboxBytes ? (unread ? undefined : a.take()) : a, b, at);
        },
      }),
      takesInboxBytes: true,
    };
  },
  describe(action) {
    if (!isSocketAction(action)) return undefined;
    switch (action[0]) {
      case 'wsOpen':
        return { call: `${action[5].call}(${action[4]})`, op: action[2] };
      case 'wsPing':
        return { call: 'socket.ping()', op: action[2] };
      case 'wsStream':
        return { call: 'socket.stream()', op: action[2], tagsAt: 8 };
      case 'wsReqEnd':
        return { call: 'socket.request()', tagsAt: 8 };
      case 'wsRequest':
        return { call: 'socket.request()', op: action[2], tagsAt: 9 };
      case 'wsListen':
        return { call: 'socket.on()' };
      case 'wsSend':
        return { call: 'socket.send()' };
      case 'wsClose':
        return { call: 'socket.close()' };
      default: {
        const unknown: never = action;
        return { call: String((unknown as unknown[])[0]) };
      }
    }
  },
};

export default ws;
