/**
 * Paced streams on a thread of their own. The worker runs its VUs' isolates on its own thread, and
 * a crossing holds that thread for as long as the script's code runs (a long loop, a garbage
 * collection of a big heap): a timer there would wait for it, and frames would leave in bursts.
 * So each worker starts one pacer thread (pacer-thread.ts) the first time a plain-TCP socket
 * streams; the socket's frames are written there, on that thread's timers, straight to the
 * socket's descriptor. The worker keeps reading the socket as before; its writes on the socket
 * go through the pacer while a stream plays (see PacedConnection), so bytes never interleave.
 */
import { Worker } from 'node:worker_threads';
import type { Socket as NetSocket } from 'node:net';
import type { WebSocket } from 'ws';
import { startThread, threadEntry } from '../../threads.js';

/** The connection's lock: the pacer may write, is writing, or may no longer touch the descriptor. */
export const LOCK_FREE = 0;
export const LOCK_WRITING = 1;
export const LOCK_REVOKED = 2;
/** How often the pacer reports the frames it sent (their lags) and the bytes it wrote. */
export const PACER_BATCH_MS = 100;

export type PacerCommand =
  | { kind: 'attach'; connection: number; fd: number; lock: Int32Array }
  | { kind: 'stream'; connection: number; stream: number; audio: Uint8Array; frameBytes: number; intervalMs: number; startEpochMs: number }
  /** Bytes the worker's `ws` wrote; `last`: the socket is closing, its streams stop and the worker takes it back. */
  | { kind: 'write'; connection: number; bytes: Uint8Array; last: boolean }
  /** The worker takes the socket back once what is pending is written (its streams stop). */
  | { kind: 'release'; connection: number };

export interface StreamProgress {
  readonly stream: number;
  /** How late each frame sent since the last report left, in ms. */
  readonly lags: number[];
}

export type PacerReport =
  /** The thread has booted: streams may be handed to it. */
  | { kind: 'ready' }
  /** Frames sent, bytes written, and the backlogs that changed (bytes waiting to be written), since the last report. */
  | { kind: 'progress'; progress: StreamProgress[]; written: [connection: number, bytes: number][]; pending: [connection: number, bytes: number][] }
  /** A stream is over: every frame out (error null), or stopped; with its last lags and the bytes its connection wrote since the last report. */
  | { kind: 'ended'; stream: number; error: string | null; lags: number[]; written: number }
  /** The pacer no longer writes to the connection. */
  | { kind: 'released'; connection: number; written: number };

/** What a paced socket hears of its streams. */
export interface PacedSocket {
  /** Frames of stream `stream` went out, this late each. */
  sent(stream: number, lags: readonly number[]): void;
  ended(stream: number, error: string | null): void;
  /** Bytes the pacer wrote to the socket. */
  written(bytes: number): void;
  /** The pacer let go of the socket: a later stream takes it again. */
  handedBack(): void;
  /** The bytes waiting in the pacer to be written changed (PacedConnection#pendingBytes). */
  backlogChanged(): void;
}

const PACER_ENTRY = threadEntry('pacer-thread');

class StreamPacer {
  #thread: Worker | undefined;
  #ready = false;
  readonly #connections = new Map<number, PacedConnection>();
  readonly #streams = new Map<number, PacedConnection>();
  #nextConnection = 1;

  /**
   * Whether the thread is up to take streams; the first call starts it. Booting takes a while (100 ms
   * and more on a busy machine): streams that start meanwhile are paced on the worker and move over
   * once it is up.
   */
  ready(): boolean {
    this.#start();
    return this.#ready;
  }

  stop(): void {
    const thread = this.#thread;
    if (thread === undefined) return;
    this.#thread = undefined;
    this.#ready = false;
    thread.removeAllListeners('error');
    void thread.terminate();
  }

  post(command: PacerCommand, transfer: ArrayBuffer[] = []): void {
    this.#start().postMessage(command, transfer);
  }

  add(connection: PacedConnection): number {
    const id = this.#nextConnection++;
    this.#connections.set(id, connection);
    return id;
  }

  streaming(stream: number, connection: PacedConnection): void {
    this.#streams.set(stream, connection);
  }

  #start(): Worker {
    if (this.#thread !== undefined) return this.#thread;
    const thread = startThread(PACER_ENTRY);
    // The pacer lives as long as the worker has streams; it never keeps the worker alive.
    thread.unref();
    thread.on('message', (report: PacerReport) => this.#receive(report));
    thread.on('error', (error) => {
      // A bug of wsk's own: the streams it paced end with it, each as its socket's error.
      this.#thread = undefined;
      this.#ready = false;
      for (const [stream, connection] of this.#streams) connection.ended(stream, `internal error in wsk's stream pacer (please report it): ${error.message}`);
      this.#streams.clear();
      for (const connection of this.#connections.values()) connection.released(0);
      this.#connections.clear();
    });
    this.#thread = thread;
    return thread;
  }

  #receive(report: PacerReport): void {
    switch (report.kind) {
      case 'ready':
        this.#ready = true;
        return;
      case 'progress':
        for (const { stream, lags } of report.progress) this.#streams.get(stream)?.sent(stream, lags);
        for (const [connection, bytes] of report.written) this.#connections.get(connection)?.written(bytes);
        for (const [connection, bytes] of report.pending) this.#connections.get(connection)?.pending(bytes);
        return;
      case 'ended': {
        const connection = this.#streams.get(report.stream);
        this.#streams.delete(report.stream);
        if (report.lags.length > 0) connection?.sent(report.stream, report.lags);
        connection?.written(report.written);
        connection?.ended(report.stream, report.error);
        return;
      }
      case 'released':
        this.#connections.get(report.connection)?.released(report.written);
        this.#connections.delete(report.connection);
        return;
      default: {
        const unknown: never = report;
        throw new Error(`the stream pacer reported ${String((unknown as { kind: unknown }).kind)}`);
      }
    }
  }
}

/** This thread's pacer (each worker thread loads its own copy of this module). */
const pacer = new StreamPacer();

/** This thread's pacer ends (the worker stops): its thread is terminated, and a later stream starts another. */
export function stopPacer(): void {
  pacer.stop();
}

/** Whether this thread's pacer takes streams now (it is started, if it was not). */
export function pacerReady(): boolean {
  return pacer.ready();
}
let nextStream = 1;

type Write = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;

/**
 * A socket whose writes the pacer does while it streams. Made with `take` when the first stream
 * starts; it hands the socket back when its last stream is over or the socket starts closing.
 */
export class PacedConnection {
  readonly #net: NetSocket;
  readonly #ws: WebSocket;
  readonly #owner: PacedSocket;
  /** The script or the target closed the WebSocket: its close frame is on its way. */
  #closing = false;
  #closeCode: number | undefined;
  readonly #id: number;
  readonly #lock = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  /** Stream ids the pacer gave each of this connection's streams, by the caller's key. */
  readonly #streams = new Map<number, number>();
  readonly #keys = new Map<number, number>();
  /** Asked for the socket back: what the worker writes meanwhile waits here, in order. */
  #releasing = false;
  #held: [chunk: unknown, encoding: unknown, callback: unknown][] = [];
  #heldEnd: unknown[] | undefined;
  #done = false;
  #pendingBytes = 0;

  /** The pacer takes over the writes of `ws` on `net`; undefined when it cannot (TLS, or bytes already waiting to be written). */
  static take(net: NetSocket, ws: WebSocket, owner: PacedSocket): PacedConnection | undefined {
    const fd = (net as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0 || 'encrypted' in net || net.writableLength > 0 || net.destroyed) return undefined;
    return new PacedConnection(net, ws, fd, owner);
  }

  private constructor(net: NetSocket, ws: WebSocket, fd: number, owner: PacedSocket) {
    this.#net = net;
    this.#ws = ws;
    this.#owner = owner;
    this.#id = pacer.add(this);
    pacer.post({ kind: 'attach', connection: this.#id, fd, lock: this.#lock });
    // ws writes its close frame before it marks itself closing, and closes on its own when the
    // target closes first: whichever way, the next write is the close frame, and no frame may follow it.
    const close = ws.close;
    (ws as unknown as Record<string, unknown>)['close'] = (...args: Parameters<WebSocket['close']>): void => {
      this.#closing = true;
      this.#closeCode ??= args[0] ?? 1005;
      close.apply(ws, args);
    };
    const writable = net as unknown as Record<string, unknown>;
    const destroy = writable['_destroy'] as (error: Error | null, callback: (error: Error | null) => void) => void;
    writable['write'] = ((chunk, encoding, callback) => this.#write(chunk, encoding, callback)) satisfies Write;
    writable['end'] = (...args: unknown[]): NetSocket => {
      this.#heldEnd = args;
      this.release();
      return net;
    };
    // Every way a socket closes its descriptor goes through _destroy: the pacer lets go of it first.
    writable['_destroy'] = (error: Error | null, callback: (error: Error | null) => void): void => {
      this.#revoke();
      this.#restore();
      destroy.call(net, error, callback);
    };
  }

  /** Streams `audio` in frames of `frameBytes`, frame i due at startEpochMs + i × intervalMs; `key` names it to the owner. */
  stream(key: number, audio: Uint8Array, frameBytes: number, intervalMs: number, startEpochMs: number): void {
    const stream = nextStream++;
    this.#streams.set(key, stream);
    this.#keys.set(stream, key);
    pacer.streaming(stream, this);
    pacer.post({ kind: 'stream', connection: this.#id, stream, audio, frameBytes, intervalMs, startEpochMs });
  }

  /** Hands the socket back to the worker once what the pacer has is written; its streams stop. */
  release(): void {
    if (this.#releasing || this.#done) return;
    this.#releasing = true;
    pacer.post({ kind: 'release', connection: this.#id });
  }

  /** The code of the close frame the WebSocket sends (the target's own, when it closed first); undefined while open. */
  get closeCode(): number | undefined {
    return this.#closeCode;
  }

  get streaming(): boolean {
    return this.#streams.size > 0;
  }

  /** Still the pacer's: neither handed back nor being handed back. */
  get active(): boolean {
    return !this.#releasing && !this.#done;
  }

  sent(stream: number, lags: readonly number[]): void {
    const key = this.#keys.get(stream);
    if (key !== undefined) this.#owner.sent(key, lags);
  }

  ended(stream: number, error: string | null): void {
    const key = this.#keys.get(stream);
    this.#keys.delete(stream);
    if (key === undefined) return;
    this.#streams.delete(key);
    this.#owner.ended(key, error);
  }

  written(bytes: number): void {
    if (bytes > 0) this.#owner.written(bytes);
  }

  /**
   * Bytes waiting in the pacer to be written, as of its last report (PACER_BATCH_MS): a target that
   * reads slower than the stream is paced makes it grow, up to about PENDING_LIMIT_BYTES.
   */
  get pendingBytes(): number {
    return this.#done ? 0 : this.#pendingBytes;
  }

  pending(bytes: number): void {
    this.#pendingBytes = bytes;
    this.#owner.backlogChanged();
  }

  /** The pacer let go: the worker writes to the socket itself again, first what waited. */
  released(bytes: number): void {
    this.written(bytes);
    this.#pendingBytes = 0;
    this.#owner.handedBack();
    if (this.#done) return;
    this.#restore();
    for (const [chunk, encoding, callback] of this.#held.splice(0)) (this.#net.write as Write)(chunk, encoding, callback);
    if (this.#heldEnd !== undefined) (this.#net.end as (...args: unknown[]) => void)(...this.#heldEnd);
  }

  #write(chunk: unknown, encoding: unknown, callback: unknown): boolean {
    if (this.#releasing) {
      this.#held.push([chunk, encoding, callback]);
      return true;
    }
    const source = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : (chunk as Uint8Array);
    // An exact copy: a pooled Buffer would carry its whole pool across.
    const bytes = new Uint8Array(source);
    // ws writes a close frame once the socket is closing: after it, no frame of a stream may follow.
    const last = this.#closing || this.#ws.readyState !== this.#ws.OPEN;
    if (last) this.#releasing = true;
    pacer.post({ kind: 'write', connection: this.#id, bytes, last }, [bytes.buffer]);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }

  /** Synchronously takes the descriptor away from the pacer (waiting out a write it is doing). */
  #revoke(): void {
    while (Atomics.compareExchange(this.#lock, 0, LOCK_FREE, LOCK_REVOKED) === LOCK_WRITING) Atomics.wait(this.#lock, 0, LOCK_WRITING, 5);
    this.#restore();
  }

  #restore(): void {
    if (this.#done) return;
    this.#done = true;
    const writable = this.#net as unknown as Record<string, unknown>;
    for (const name of ['write', 'end', '_destroy']) delete writable[name];
    delete (this.#ws as unknown as Record<string, unknown>)['close'];
  }
}
