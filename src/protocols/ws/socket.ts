/**
 * The host side of `wsk/ws`: real sockets (the `ws` library) for the VUs of one worker. It serves
 * the sandbox's socket actions, stamps every send and receive with the host clock, feeds the ws_*
 * metrics, and hands socket events back to the realm that owns the socket.
 */
import WebSocket from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { SandboxEvent } from '../../../runtime/protocol.js';
import type { SocketAction, SocketEvent, SocketOpenAction, SocketOpenOptions, SocketRequestAction } from './messages.js';
import { Metric } from '../../metrics/builtin.js';
import { WsMetric } from './metrics.js';
import { connectOptions } from '../../net/connect-options.js';
import { toArrayBuffer } from '../../net/bytes.js';
import { outOfFiles, outOfFilesText } from '../../net/open-files.js';
import type { NetworkOptions } from '../../options/network.js';
import type { Tags } from '../../types.js';
import { requestDeadlines, type DeadlineWatcher } from './deadlines.js';
import { HostRequests, type HostRequest } from './requests.js';
import { heldBytes, releaseBytes } from '../../net/held-bytes.js';
import { PacedConnection, pacerReady, type PacedSocket } from './pacer.js';

/** The socket actions an open socket serves: every one but the wsOpen that made it. */
export type SocketCommand = Exclude<SocketAction, SocketOpenAction>;

/** What a socket needs from the worker that hosts it. */
export interface SocketOwner {
  /** Queues an event for the realm of the socket's VU. */
  deliver(event: SandboxEvent): void;
  /** Records a sample of a built-in metric. */
  record(metric: string, value: number, tags: Tags): void;
  /** The tags of the VU's samples: its scenario's, the group, the script's own. */
  tags(group: string, own: Record<string, string> | null): Tags;
  /** The socket is gone (closed, or never opened). */
  forget(): void;
  /** The socket has traffic to count: the next metrics interval calls its countTraffic(). Idle sockets are not visited. */
  active(): void;
}

/** The kinds of ws_errors (the `error` tag). */
export type SocketErrorKind = 'dns' | 'refused' | 'timeout' | 'tls' | 'handshake_status' | 'reset' | 'open_files' | 'protocol' | 'closed_abnormally';

/**
 * A stream stops reading ahead while more than this many bytes (or two frames, if larger) wait in the
 * socket's send buffer: a target that reads slowly makes frames late, never the generator's memory grow.
 */
const STREAM_BUFFER_BYTES = 64 * 1024;

/** How long a closed socket waits for the sandbox to report the requests it cut off before counting them itself. */
const CUT_OFF_REPORT_MS = 2000;

/** Close codes of an orderly end: normal, going away, and "no status" (a close frame without a code). */
const ORDERLY_CLOSE = new Set([1000, 1001, 1005]);

/** Text messages up to this many characters go to ws as a Buffer, so their frame is one write (see #write). */
const ONE_WRITE_TEXT_CHARS = 4096;

/**
 * A ws client that hands its events straight to the HostSocket that made it, as ws's own classes hand
 * theirs to it: no listener closures and no table of listeners per socket, about 1 KB of every idle
 * socket in a fleet. Listeners added with on() still hear every event.
 */
class HostWebSocket extends WebSocket {
  readonly #host: HostSocket;

  constructor(host: HostSocket, ...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.#host = host;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const taken = this.#host.wsEvent(event, args);
    // An 'error' nobody else listens for is taken: emitting it again would throw.
    if (taken && this.listenerCount(event) === 0) return true;
    return super.emit(event, ...args) || taken;
  }
}

/** An unfinished stream(): the key of its bytes (src/net/held-bytes.ts), its tags, and the timer of its next frame when the worker paces it. */
interface OpenStream {
  readonly held: number;
  readonly tags: Tags;
  timer: NodeJS.Timeout | undefined;
}

export class HostSocket implements DeadlineWatcher, PacedSocket {
  readonly #ws: HostWebSocket;
  readonly #owner: SocketOwner;
  readonly #id: number;
  /** The op of the open() that made it, settled by the handshake. */
  readonly #openOp: number;
  readonly #startedAt: number;
  readonly #tags: Tags;
  /**
   * Open correlated requests: when each was sent, and when it times out (Infinity once it has).
   * This and the other collections below are made by their first entry: an idle fleet's sockets
   * mostly never have one, and an empty Map is some 200 bytes.
   */
  #requests: Map<number, { sentAt: number; deadline: number }> | undefined;
  /** Open requests the host correlates itself (wsRequest): their replies never cross one by one. */
  #hostRequests: HostRequests | undefined;
  /** The script has message handlers on this socket: replies the host takes reach them too. */
  #listening = false;
  #pings: { op: number; at: number }[] | undefined;
  /** Requests sent after the session ended, counted as failed then (see #requestNotSent). */
  #counted: Set<number> | undefined;
  #net: NetSocket | undefined;
  #bytesRead = 0;
  #bytesWritten = 0;
  /** Messages since the last count: recorded with the bytes once per metrics interval, not one sample each. */
  #sent = 0;
  #received = 0;
  /** The owner has been told of traffic not yet counted (see SocketOwner.active). */
  #active = false;
  /** When the handshake completed ('open'); 0 before. */
  #openedAt = 0;
  /** Each unfinished stream() by its op. */
  #streams: Map<number, OpenStream> | undefined;
  /** The pacer thread writes this socket's frames (and its other writes) while it streams. */
  #paced: PacedConnection | undefined;
  /** Bytes the pacer wrote since the last count. */
  #pacedBytes = 0;
  /** What runs when the send buffer has drained (streams held back by a slow reader). */
  #drainWaiters: (() => void)[] | undefined;
  /** ws's callback once a compressed message is written (made with the first one). */
  #onWritten: (() => void) | undefined;
  /** Why the session ended, for the requests it cut off (the `error` tag of their ws_req_failed); undefined while open. */
  #cutOff: string | undefined;
  /** The kind of the session's first error (see #sessionError). */
  #errorKind: SocketErrorKind | undefined;
  #cutOffTimer: NodeJS.Timeout | undefined;
  /**
   * The open() timeout, cleared when the handshake's answer comes. ws's handshakeTimeout is Node's
   * idle timer on the TCP socket: a target trickling its answer a byte at a time never reached it,
   * and every socket kept the cleared timer and its 'timeout' listener for life (some 300 bytes each).
   */
  #handshakeTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** An error was counted in this session, so its close is not counted again. */
  #errored = false;
  /** The script closed the socket itself: whatever code it chose is not an abnormal close. */
  #closedByScript = false;
  /** The send buffer's size the sandbox last heard of. */
  #reportedBuffered = 0;
  /** The send buffer is full: its 'drain' will say when it empties (a healthy socket never waits for it). */
  #watchingDrain = false;
  /** The handshake's response headers, from the upgrade until open() resolves with them. */
  #headers: Record<string, string> | undefined;
  #plainRequestTags: Tags | undefined;
  /** Socket events held back until the script has seen open() resolve; undefined when not holding. */
  #held: SocketEvent[] | undefined;
  #plainRequestGroup = '';
  /** How the script opened it ('ws.open', 'new WebSocket'), for messages. */
  readonly #call: string;
  /** The socket closes with the iteration that opened it (see detach). */
  readonly perIteration: boolean;
  /** Its iteration is over: the sandbox hears nothing more of it. */
  #detached = false;

  constructor(owner: SocketOwner, op: number, id: number, url: string, options: SocketOpenOptions, network: NetworkOptions) {
    this.#owner = owner;
    this.#id = id;
    this.#openOp = op;
    this.#call = options.call;
    this.perIteration = options.perIteration;
    this.#tags = owner.tags(options.group, { url, name: url, ...options.tags });
    this.#startedAt = performance.now();
    this.#ws = new HostWebSocket(this, url, options.subprotocols, {
      ...connectOptions(network, new URL(url)),
      headers: options.headers,
      perMessageDeflate: options.compression,
      followRedirects: false,
    });
    this.#handshakeTimer = setTimeout(() => this.#handshakeTimedOut(options.timeoutMs), options.timeoutMs).unref();
    // Buffers: a text message decodes straight from one; a binary one is sliced to an exact-size ArrayBuffer.
    this.#ws.binaryType = 'nodebuffer';
  }

  /** The handshake completed (it stays true once the session ends). */
  get #isOpen(): boolean {
    return this.#openedAt > 0;
  }

  /** An event of the ws client (see HostWebSocket); false for one this socket does not take. */
  wsEvent(event: string | symbol, args: unknown[]): boolean {
    switch (event) {
      case 'upgrade':
        this.#upgraded(args[0] as IncomingMessage);
        return true;
      case 'unexpected-response': {
        const response = args[1] as IncomingMessage;
        this.#fail(this.#openOp, 'handshake_status', `handshake answered with HTTP ${response.statusCode}`, { status: String(response.statusCode) });
        response.resume();
        this.#ws.terminate();
        return true;
      }
      case 'open':
        this.#opened();
        return true;
      case 'message':
        this.#message(args[0] as Buffer, args[1] as boolean);
        return true;
      case 'ping':
        // ws answers with a pong: bytes both ways.
        this.#markActive();
        this.#event(['ws', this.#id, 'ping', null, null, performance.now()]);
        return true;
      case 'pong':
        this.#pong();
        return true;
      case 'error': {
        const error = args[0] as NodeJS.ErrnoException;
        if (this.#isOpen) {
          this.#sessionError(error);
          return true;
        }
        const kind = classify(error);
        this.#fail(this.#openOp, kind, kind === 'open_files' ? outOfFilesText(error) : error.message);
        return true;
      }
      case 'close':
        this.#closedWith(args[0] as number, args[1] as Buffer);
        return true;
      default:
        return false;
    }
  }

  #handshakeTimedOut(ms: number): void {
    this.#handshakeTimer = undefined;
    this.#fail(this.#openOp, 'timeout', `the handshake took longer than ${ms} ms`);
    this.#ws.terminate();
  }

  #handshakeOver(): void {
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
  }

  #upgraded(response: IncomingMessage): void {
    this.#handshakeOver();
    this.#net = response.socket as NetSocket;
    this.#headers = flatHeaders(response.headers);
  }

  #opened(): void {
    const owner = this.#owner;
    this.#openedAt = performance.now();
    owner.record(WsMetric.connecting, this.#openedAt - this.#startedAt, this.#tags);
    owner.record(WsMetric.connectionFailed, 0, this.#tags);
    owner.record(WsMetric.sessions, 1, this.#tags);
    this.#markActive();
    owner.deliver(['resolve', this.#openOp, { protocol: this.#ws.protocol, headers: this.#headers ?? {} }]);
    this.#headers = undefined;
    // The script sets its handlers after open() resolves, in a crossing of its own: events that
    // arrive meanwhile (a greeting, a ping) wait for the next crossing instead of finding none.
    this.#held = [];
    setImmediate(() => {
      const held = this.#held ?? [];
      this.#held = undefined;
      for (const event of held) owner.deliver(event);
    });
  }

  #message(data: Buffer, binary: boolean): void {
    const at = performance.now();
    this.#received++;
    this.#markActive();
    // Bytes cross to the handlers as ws's own Buffer, which the crossing copies into the realm's inbox
    // (src/sandbox/inbox.ts): an ArrayBuffer per message on the host cost full garbage collections. Only
    // bytes offered to the open requests are made one, since a reply crosses inside its request's result.
    const text = binary ? undefined : data.toString('utf8');
    const requests = this.#hostRequests;
    const request = requests === undefined || requests.size === 0 ? undefined : requests.offer(text ?? toArrayBuffer(data), at);
    if (request === undefined) {
      this.#event(['ws', this.#id, 'message', text ?? data, binary, at]);
      return;
    }
    if (this.#listening) this.#event(['ws', this.#id, 'taken', text ?? data, binary, at]);
    if (request.done) this.#endHostRequest(request, undefined);
  }

  #pong(): void {
    const ping = this.#pings?.shift();
    if (ping === undefined) return;
    const rtt = performance.now() - ping.at;
    this.#owner.record(WsMetric.ping, rtt, this.#tags);
    this.#owner.deliver(['resolve', ping.op, rtt]);
  }

  #closedWith(code: number, reason: Buffer): void {
    const owner = this.#owner;
    if (!this.#isOpen) {
      owner.forget();
      // Every handshake failure should have come as an error first; this settles open() if one did not.
      this.#fail(this.#openOp, 'closed_abnormally', `closed with code ${code} during the handshake`, { close_code: String(code) });
      return;
    }
    if (this.#closed) return;
    // After the handshake ws swallows the TCP socket's errors (a reset only shows as code 1006), but
    // the socket keeps the one it died of: read here, it costs no listener per socket.
    const died = this.#net?.errored;
    if (died != null) this.#sessionError(died as NodeJS.ErrnoException);
    this.#closed = true;
    this.#countTraffic();
    owner.record(WsMetric.sessionDuration, performance.now() - this.#openedAt, this.#tags);
    if (!this.#errored && !this.#closedByScript && !ORDERLY_CLOSE.has(code)) owner.record(WsMetric.errors, 1, { ...this.#tags, error: 'closed_abnormally', close_code: String(code) });
    const why = `the socket closed with code ${code}`;
    for (const ping of this.#pings?.splice(0) ?? []) owner.deliver(['reject', ping.op, `ping(): ${why}`]);
    this.#endStreams(`stream(): ${why} before the last frame`);
    this.#cutOff = this.#errorKind ?? (this.#closedByScript ? 'closed_by_script' : ORDERLY_CLOSE.has(code) ? 'closed' : 'closed_abnormally');
    for (const request of this.#hostRequests?.cutOff() ?? []) this.#endHostRequest(request, this.#cutOff);
    this.#event(['ws', this.#id, 'close', code, reason.toString('utf8'), performance.now()]);
    this.#forgetOnceReported();
  }

  #event(event: SocketEvent): void {
    if (this.#detached) return;
    if (this.#held !== undefined) this.#held.push(event);
    else this.#owner.deliver(event);
  }

  /** Serves one socket action of the sandbox (not wsOpen, which made this socket). */
  act(action: SocketCommand): void {
    switch (action[0]) {
      case 'wsSend':
        this.#send(action[3], action[4], action[5]);
        return;
      case 'wsRequest':
        this.#request(action);
        return;
      case 'wsListen':
        this.#listening = true;
        return;
      case 'wsClose':
        if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING) {
          this.#closedByScript = true;
          this.#ws.close(action[3], action[4]);
        }
        return;
      case 'wsPing':
        if (this.#ws.readyState !== WebSocket.OPEN) {
          this.#owner.deliver(['reject', action[2], 'ping(): the socket is not open']);
          return;
        }
        (this.#pings ??= []).push({ op: action[2], at: performance.now() });
        this.#ws.ping();
        this.#markActive();
        return;
      case 'wsReqEnd':
        this.#requestEnded(action[3], action[4], action[5], action[6], this.#tagsFor(action[7], action[8]));
        return;
      case 'wsStream':
        this.#stream(action[2], action[4], action[5], action[6], this.#tagsFor(action[7], action[8]));
        return;
      default: {
        const unknown: never = action;
        throw new Error(`a socket cannot serve ${String((unknown as unknown[])[0])}`);
      }
    }
  }

  /**
   * The iteration that opened the socket is over (it failed, or the host interrupted it): the socket
   * closes normally, as the script's own close() would, and the sandbox hears no more of it.
   */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.#held = undefined;
    this.#closedByScript = true;
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000);
    else if (this.#ws.readyState === WebSocket.CONNECTING) this.#ws.terminate();
  }

  /** Closes the socket without a goodbye: its VU is stopping, so the session ends now. */
  terminate(): void {
    clearTimeout(this.#cutOffTimer);
    this.#handshakeOver();
    if (this.#closed) return;
    this.#closed = true;
    for (const op of [...(this.#streams?.keys() ?? [])]) this.#streamOver(op);
    this.#drainWaiters = undefined;
    this.#requests?.clear();
    this.#hostRequests?.cutOff();
    this.#countTraffic();
    if (this.#isOpen) this.#owner.record(WsMetric.sessionDuration, performance.now() - this.#openedAt, this.#tags);
    this.#ws.terminate();
  }

  /**
   * Bytes and messages since the last call go to data_sent / data_received and ws_msgs_sent /
   * ws_msgs_received. True when some are left for the next call (bytes still in the send buffer).
   */
  countTraffic(): boolean {
    this.#active = false;
    this.#countTraffic();
    // What still waits in the send buffer is counted once it has left.
    if (this.#net !== undefined && this.#net.writableLength > 0 && !this.#closed) this.#markActive();
    return this.#active;
  }

  #markActive(): void {
    if (this.#active) return;
    this.#active = true;
    this.#owner.active();
  }

  #send(data: string | ArrayBuffer, request: number, timeoutMs: number): void {
    if (this.#ws.readyState !== WebSocket.OPEN) {
      if (request !== 0) this.#requestNotSent(request, timeoutMs);
      return;
    }
    if (request !== 0) this.#requestSent(request, timeoutMs);
    this.#write(data);
  }

  #write(data: string | ArrayBuffer): void {
    // A compressed frame is written later (deflate is asynchronous), so only then is the write watched.
    const compressed = this.#ws.extensions !== '';
    // ws masks a Buffer into a new buffer behind the frame's header and writes once; a string it masks
    // in place and writes with its header as two buffers, through Node's writev path (about 0.3 µs of a
    // 100-byte round trip's 18). Past a few KB, allocating the frame's buffer costs more than that.
    const payload = typeof data !== 'string' ? Buffer.from(data) : data.length > ONE_WRITE_TEXT_CHARS ? data : Buffer.from(data);
    this.#ws.send(payload, { binary: typeof data !== 'string' }, compressed ? (this.#onWritten ??= () => this.#reportBuffered()) : undefined);
    this.#sent++;
    this.#markActive();
    this.#afterWrite();
  }

  /** A request the host correlates: sent now, ended by its last reply, its deadline or the socket's close. */
  #request([, , op, , data, match, until, timeoutMs, group, tags]: SocketRequestAction): void {
    if (this.#closed) {
      this.#owner.record(WsMetric.reqFailed, 1, { ...this.#tagsFor(group, tags), error: this.#cutOff ?? 'closed' });
      this.#owner.deliver(['resolve', op, []]);
      return;
    }
    // While the socket closes, its close cuts the request off like the others.
    (this.#hostRequests ??= new HostRequests()).add(op, match, until, performance.now(), timeoutMs, this.#tagsFor(group, tags));
    requestDeadlines.watch(this);
    if (this.#ws.readyState === WebSocket.OPEN) this.#write(data);
  }

  /** Records a host-correlated request's samples (`failed`: why it failed) and resolves it with its replies. */
  #endHostRequest(request: HostRequest, failed: string | undefined): void {
    if (failed !== undefined) {
      this.#owner.record(WsMetric.reqFailed, 1, { ...request.tags, error: failed });
    } else {
      this.#owner.record(WsMetric.reqFailed, 0, request.tags);
      this.#owner.record(WsMetric.reqTtfr, request.firstAt - request.sentAt, request.tags);
      this.#owner.record(WsMetric.reqDuration, request.lastAt - request.sentAt, request.tags);
    }
    this.#owner.deliver(['resolve', request.op, request.replies]);
  }

  #requestSent(request: number, timeoutMs: number): void {
    const now = performance.now();
    (this.#requests ??= new Map()).set(request, { sentAt: now, deadline: now + timeoutMs });
    requestDeadlines.watch(this);
  }

  /**
   * A request the script sent when the session was ending, before it heard so. While the socket is
   * closing, its close cuts the request off like the others. Once the session is over it failed for
   * the reason the session ended; its end, should the sandbox still report it, is not counted again.
   */
  #requestNotSent(request: number, timeoutMs: number): void {
    if (!this.#closed) {
      this.#requestSent(request, timeoutMs);
      return;
    }
    (this.#counted ??= new Set()).add(request);
    this.#owner.record(WsMetric.reqFailed, 1, { ...this.#tagsFor('', null), error: this.#cutOff ?? 'closed' });
  }

  /** After a send: the sandbox hears of a send buffer that grew, and its 'drain' is watched. */
  #afterWrite(): void {
    this.#reportBuffered();
    if (this.#reportedBuffered > 0 && !this.#watchingDrain && this.#net !== undefined) {
      this.#watchingDrain = true;
      // A listener per wait rather than one kept per socket: a healthy socket never waits.
      this.#net.once('drain', () => this.#drained());
    }
  }

  /** The send buffer drained: the sandbox hears so, and held-back streams go on. */
  #drained(): void {
    this.#watchingDrain = false;
    this.#reportBuffered();
    const waiters = this.#drainWaiters ?? [];
    this.#drainWaiters = undefined;
    for (const waiter of waiters) waiter();
  }

  /** Requests the sandbox correlates that are still open. */
  get #openRequests(): number {
    return this.#requests?.size ?? 0;
  }

  /**
   * Tells the sandbox the send buffer's size when it changed: only a target that reads slower than
   * the script writes (back-pressure) makes it non-zero, so a healthy socket sends no such events.
   */
  #reportBuffered(): void {
    const amount = this.#ws.bufferedAmount + (this.#paced?.pendingBytes ?? 0);
    if (amount === this.#reportedBuffered || this.#closed) return;
    this.#reportedBuffered = amount;
    this.#event(['ws', this.#id, 'buffered', amount, null, performance.now()]);
  }

  /** A 'timeout' event for each request past its deadline; the sandbox then ends it as failed (wsReqEnd). */
  checkDeadlines(now: number): boolean {
    // A closed socket's requests are over in the sandbox already (its close ended them).
    if (this.#closed) return false;
    for (const [request, open] of this.#requests ?? []) {
      if (open.deadline > now) continue;
      open.deadline = Infinity;
      this.#event(['ws', this.#id, 'timeout', request, null, now]);
    }
    for (const request of this.#hostRequests?.expired(now) ?? []) this.#endHostRequest(request, 'timeout');
    return this.#openRequests > 0 || (this.#hostRequests?.size ?? 0) > 0;
  }

  /**
   * The socket closed: the sandbox ends the requests it cut off (as failed) and reports them, so the
   * socket stays known until it has. Should that report not come (its VU's isolate was rebuilt), the
   * socket counts them itself, with its own tags.
   */
  #forgetOnceReported(): void {
    if (this.#openRequests === 0) {
      this.#owner.forget();
      return;
    }
    this.#cutOffTimer = setTimeout(() => {
      for (const request of [...(this.#requests?.keys() ?? [])]) this.#requestEnded(request, 0, 0, true, this.#tagsFor('', null));
    }, CUT_OFF_REPORT_MS);
  }

  #requestEnded(request: number, firstAt: number, lastAt: number, failed: boolean, tags: Tags): void {
    if (this.#counted?.delete(request) === true) return;
    const open = this.#requests?.get(request);
    this.#requests?.delete(request);
    if (failed) {
      // Why it failed: it timed out, or the session ended under it.
      const error = open === undefined || open.deadline === Infinity || this.#cutOff === undefined ? 'timeout' : this.#cutOff;
      this.#owner.record(WsMetric.reqFailed, 1, { ...tags, error });
    } else {
      this.#owner.record(WsMetric.reqFailed, 0, tags);
    }
    if (this.#cutOff !== undefined && this.#openRequests === 0) {
      clearTimeout(this.#cutOffTimer);
      this.#owner.forget();
    }
    if (open === undefined || failed || firstAt === 0) return;
    this.#owner.record(WsMetric.reqTtfr, firstAt - open.sentAt, tags);
    this.#owner.record(WsMetric.reqDuration, lastAt - open.sentAt, tags);
  }

  /**
   * Frame i is due at start + i × interval: a late frame does not push the next ones back. The
   * bytes are on the host already (held once per content, src/net/held-bytes.ts). On a plain TCP
   * socket the pacer thread sends the frames (pacer.ts), so a VU's isolate that keeps the worker's
   * thread busy does not hold them back; otherwise (TLS) the worker's timers do.
   */
  #stream(op: number, held: number, frameBytes: number, intervalMs: number, tags: Tags): void {
    const audio = heldBytes(held);
    if (audio === undefined) {
      this.#owner.deliver(['reject', op, 'stream(): its bytes are gone from the host']);
      return;
    }
    (this.#streams ??= new Map()).set(op, { held, tags, timer: undefined });
    if (this.#ws.readyState !== WebSocket.OPEN) {
      this.#streamEnded(op, ['reject', op, 'stream(): the socket closed before the last frame']);
      return;
    }
    if (!this.#toPacer(op, audio, 0, frameBytes, intervalMs, performance.now())) this.#paceHere(op, audio, frameBytes, intervalMs, tags);
  }

  /**
   * Hands the stream's frames from frame `from` on (due from `start`) to the pacer thread, if it is
   * up and can write to this socket (plain TCP, nothing waiting in the send buffer); false when the
   * worker must pace them.
   */
  #toPacer(op: number, audio: Uint8Array, from: number, frameBytes: number, intervalMs: number, start: number): boolean {
    if (this.#net === undefined || this.#ws.bufferedAmount > 0 || !pacerReady()) return false;
    this.#paced ??= PacedConnection.take(this.#net, this.#ws, this);
    if (this.#paced?.active !== true) return false;
    this.#paced.stream(op, from === 0 ? audio : audio.subarray(from * frameBytes), frameBytes, intervalMs, performance.timeOrigin + start);
    return true;
  }

  /** Frames of a paced stream went out: each records how late it left. */
  sent(op: number, lags: readonly number[]): void {
    const stream = this.#streams?.get(op);
    if (stream === undefined) return;
    this.#sent += lags.length;
    this.#markActive();
    for (const lag of lags) this.#owner.record(WsMetric.streamFrameLag, lag, stream.tags);
  }

  /**
   * A paced stream is over: every frame out, or stopped — as the worker's timers would have, when
   * the socket started closing, not once its close handshake is over (which a stalled target can
   * hold for ws's 30 s close timeout).
   */
  ended(op: number, error: string | null): void {
    const closeCode = this.#paced?.closeCode;
    if (this.#paced?.streaming === false) this.#paced.release();
    if (error === null) {
      this.#streamEnded(op, ['resolve', op, undefined]);
      return;
    }
    // The target closed first: its code is known already, as the close event will tell it.
    const why = closeCode !== undefined && !this.#closedByScript ? `the socket closed with code ${closeCode} before the last frame` : error;
    this.#streamEnded(op, ['reject', op, `stream(): ${why}`]);
  }

  written(bytes: number): void {
    this.#pacedBytes += bytes;
    this.#markActive();
  }

  handedBack(): void {
    this.#paced = undefined;
    this.#reportBuffered();
  }

  backlogChanged(): void {
    this.#reportBuffered();
  }

  /**
   * The worker's own timers pace the stream: on a socket the pacer cannot write to (TLS), or until
   * the pacer thread is up, when the frames still to come move over to it.
   */
  #paceHere(op: number, audio: Uint8Array, frameBytes: number, intervalMs: number, tags: Tags): void {
    const start = performance.now();
    const frames = Math.ceil(audio.byteLength / frameBytes);
    const bufferLimit = Math.max(STREAM_BUFFER_BYTES, 2 * frameBytes);
    let index = 0;
    const sendDue = (): void => {
      const stream = this.#streams?.get(op);
      if (stream === undefined) return; // ended meanwhile (the socket closed)
      stream.timer = undefined;
      if (this.#ws.readyState !== WebSocket.OPEN) {
        this.#streamEnded(op, ['reject', op, 'stream(): the socket closed before the last frame']);
        return;
      }
      if (index > 0 && index < frames && this.#toPacer(op, audio, index, frameBytes, intervalMs, start + index * intervalMs)) return;
      const now = performance.now();
      let wrote = false;
      while (index < frames && start + index * intervalMs <= now) {
        if (this.#ws.bufferedAmount >= bufferLimit && this.#net !== undefined) {
          // The target reads slower than the stream is paced: wait for the buffer to drain (the
          // backlog is reported and 'drain' watched); the frames due meanwhile go out late, and
          // ws_stream_frame_lag says by how much.
          (this.#drainWaiters ??= []).push(sendDue);
          this.#afterWrite();
          return;
        }
        const due = start + index * intervalMs;
        const offset = index * frameBytes;
        this.#ws.send(audio.subarray(offset, Math.min(offset + frameBytes, audio.byteLength)), { binary: true });
        wrote = true;
        this.#sent++;
        this.#markActive();
        this.#owner.record(WsMetric.streamFrameLag, performance.now() - due, tags);
        index++;
      }
      if (wrote) this.#afterWrite();
      if (index >= frames) {
        this.#streamEnded(op, ['resolve', op, undefined]);
        return;
      }
      stream.timer = setTimeout(sendDue, Math.max(0, start + index * intervalMs - performance.now()));
    };
    sendDue();
  }

  #streamEnded(op: number, event: SandboxEvent): void {
    if (!this.#streamOver(op)) return;
    this.#owner.deliver(event);
  }

  /** Forgets stream `op` and lets go of its bytes; false if it was over already. */
  #streamOver(op: number): boolean {
    const stream = this.#streams?.get(op);
    if (stream === undefined) return false;
    this.#streams?.delete(op);
    clearTimeout(stream.timer);
    releaseBytes(stream.held);
    return true;
  }

  /** Tags of a request's or a stream's samples; the same object while group and tags stay the same, so series keys are reused. */
  #tagsFor(group: string, own: Record<string, string> | null): Tags {
    if (own !== null) return this.#owner.tags(group, { ...this.#tagsOwn(), ...own });
    if (this.#plainRequestTags === undefined || this.#plainRequestGroup !== group) {
      this.#plainRequestTags = this.#owner.tags(group, this.#tagsOwn());
      this.#plainRequestGroup = group;
    }
    return this.#plainRequestTags;
  }

  #tagsOwn(): Record<string, string> {
    return { url: this.#tags['url'] ?? '', name: this.#tags['name'] ?? '' };
  }

  /** A failed session is counted once, by its first error; the script's error handlers see that one. */
  #sessionError(error: NodeJS.ErrnoException): void {
    if (this.#errored || this.#closed) return;
    this.#errored = true;
    const kind = classify(error);
    this.#errorKind = kind;
    this.#owner.record(WsMetric.errors, 1, { ...this.#tags, error: kind });
    this.#event(['ws', this.#id, 'error', error.message, kind, performance.now()]);
  }

  #endStreams(reason: string): void {
    for (const op of [...(this.#streams?.keys() ?? [])]) this.#streamEnded(op, ['reject', op, reason]);
    this.#drainWaiters = undefined;
  }

  #fail(op: number, kind: SocketErrorKind, message: string, extra: Record<string, string> = {}): void {
    this.#handshakeOver();
    if (this.#closed) return;
    this.#closed = true;
    // A handshake cut short because its iteration ended is no failure of the target.
    if (!this.#detached) {
      this.#owner.record(WsMetric.connectionFailed, 1, this.#tags);
      this.#owner.record(WsMetric.errors, 1, { ...this.#tags, error: kind, ...extra });
    }
    this.#owner.deliver(['reject', op, `${this.#call}(${this.#tags['url']}): ${kind}: ${message}`]);
  }

  #countTraffic(): void {
    if (this.#sent > 0) this.#owner.record(WsMetric.msgsSent, this.#sent, this.#tags);
    if (this.#received > 0) this.#owner.record(WsMetric.msgsReceived, this.#received, this.#tags);
    this.#sent = 0;
    this.#received = 0;
    if (this.#net === undefined) return;
    const read = this.#net.bytesRead - this.#bytesRead;
    // Node's bytesWritten includes what still waits in the socket's buffer: only what left counts.
    // What the pacer thread wrote never went through it.
    const left = Math.max(0, this.#net.bytesWritten - this.#net.writableLength - this.#bytesWritten);
    const written = left + this.#pacedBytes;
    this.#pacedBytes = 0;
    this.#bytesRead += read;
    this.#bytesWritten += left;
    if (read > 0) this.#owner.record(Metric.dataReceived, read, this.#tags);
    if (written > 0) this.#owner.record(Metric.dataSent, written, this.#tags);
  }
}

/** What went wrong, in the words of the ws_errors `error` tag. */
export function classify(error: NodeJS.ErrnoException): SocketErrorKind {
  const code = error.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ECONNREFUSED') return 'refused';
  if (outOfFiles(error)) return 'open_files';
  if (code === 'ETIMEDOUT' || /timed out/i.test(error.message)) return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(error.message)) return 'reset';
  if (code.startsWith('ERR_TLS') || code.startsWith('CERT_') || code.includes('SSL') || code === 'EPROTO' || code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'tls';
  if (/Unexpected server response: (\d+)/.test(error.message)) return 'handshake_status';
  return 'protocol';
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
