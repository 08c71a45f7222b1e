/**
 * The stream pacer's thread (see pacer.ts): it writes the frames of every paced stream of one
 * worker to their sockets when they are due, on timers of its own. The worker that owns the sockets
 * may be deep in a VU's isolate (a long loop, a garbage collection of a big heap): frames still go.
 *
 * While a socket is paced this thread is its only writer: what the worker's `ws` writes on it (a
 * message, a pong, a close frame) comes here and goes out in order between frames. The socket's
 * lock (an Int32 in shared memory) says whether this thread may still write to its descriptor: the
 * worker revokes it before the descriptor can close, so a write never lands on a reused one.
 */
import { readlinkSync, writeSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import * as wsModule from 'ws';
import { LOCK_FREE, LOCK_REVOKED, LOCK_WRITING, PACER_BATCH_MS, type PacerCommand, type PacerReport, type StreamProgress } from './pacer.js';

/** Stop framing while this many bytes of one socket wait to be written (or two frames, if larger). */
const PENDING_LIMIT_BYTES = 64 * 1024;
/** How soon a socket whose kernel buffer was full is tried again. */
const RETRY_MS = 2;

interface Connection {
  readonly id: number;
  readonly fd: number;
  readonly lock: Int32Array;
  /** Bytes to write, in order: frames and what the worker's `ws` wrote. */
  readonly pending: Buffer[];
  pendingBytes: number;
  /** pendingBytes as last reported to the worker. */
  reportedPending: number;
  readonly streams: Set<Stream>;
  /** The worker asked for the socket back: once its pending bytes are out, it has it. */
  releasing: boolean;
  written: number;
  dead: boolean;
}

interface Stream {
  readonly id: number;
  readonly connection: Connection;
  readonly audio: Uint8Array;
  readonly frameBytes: number;
  readonly intervalMs: number;
  readonly start: number;
  readonly frames: number;
  index: number;
  lags: number[];
}

/** ws's framing (its types do not declare it): the frame's bytes, masked as a client's must be. */
interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  maskBuffer: Buffer;
  generateMask: (mask: Buffer) => void;
  readOnly: boolean;
  rsv1: boolean;
}
const Sender = (wsModule as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } }).Sender;

/**
 * How far this thread's nice value goes below the process's. On one busy core the worker's
 * crossings and the coordinator share the CPU with it, and at equal priority a frame that falls due
 * while they run waits for the scheduler (W3: frame lag p99 25-47 ms; raised: 6-11 ms).
 */
const PACER_NICE_BELOW = 10;

/**
 * Raises this thread's priority, where the system lets a process do that: Linux, as root or with
 * CAP_SYS_NICE (a container without it is refused). Elsewhere the pacer runs at the process's priority.
 */
function raisePriority(): void {
  if (process.platform !== 'linux') return;
  try {
    // Linux takes a thread's id where setpriority() wants a process's: this thread, not the process.
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, Math.max(-20, getPriority(threadId) - PACER_NICE_BELOW));
  } catch {
    // EACCES without the privilege: normal priority.
  }
}

raisePriority();
const port = parentPort!;
const connections = new Map<number, Connection>();
const streams = new Map<number, Stream>();
/** Streams by the due time of their next frame, earliest first (few streams: a sorted array does). */
const schedule: Stream[] = [];
let timer: NodeJS.Timeout | undefined;
let retryTimer: NodeJS.Timeout | undefined;
/** How every frame is made: one object for all of them, since nothing in it changes. */
const FRAME: FrameOptions = {
  fin: true,
  opcode: 2,
  mask: true,
  maskBuffer: Buffer.alloc(4),
  generateMask: randomMask,
  readOnly: true,
  rsv1: false,
};

port.on('message', (command: PacerCommand) => {
  switch (command.kind) {
    case 'attach':
      connections.set(command.connection, {
        id: command.connection,
        fd: command.fd,
        lock: command.lock,
        pending: [],
        pendingBytes: 0,
        reportedPending: 0,
        streams: new Set(),
        releasing: false,
        written: 0,
        dead: false,
      });
      return;
    case 'stream': {
      const connection = connections.get(command.connection);
      if (connection === undefined || connection.dead) {
        port.postMessage({ kind: 'ended', stream: command.stream, error: 'the socket closed before the last frame', lags: [], written: 0 } satisfies PacerReport);
        return;
      }
      const stream: Stream = {
        id: command.stream,
        connection,
        audio: command.audio,
        frameBytes: command.frameBytes,
        intervalMs: command.intervalMs,
        start: command.startEpochMs - performance.timeOrigin,
        frames: Math.ceil(command.audio.byteLength / command.frameBytes),
        index: 0,
        lags: [],
      };
      streams.set(stream.id, stream);
      connection.streams.add(stream);
      plan(stream);
      return;
    }
    case 'write': {
      const connection = connections.get(command.connection);
      if (connection === undefined || connection.dead) return;
      queue(connection, Buffer.from(command.bytes.buffer, command.bytes.byteOffset, command.bytes.byteLength));
      if (command.last) stop(connection);
      flush(connection);
      return;
    }
    case 'release': {
      const connection = connections.get(command.connection);
      if (connection === undefined) return;
      stop(connection);
      flush(connection);
      return;
    }
    default: {
      const unknown: never = command;
      throw new Error(`the stream pacer got ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
});

/** The worker wants the socket back: its streams send no more frames. */
function stop(connection: Connection): void {
  connection.releasing = true;
  for (const stream of connection.streams) end(stream, 'the socket closed before the last frame');
}

/** Puts the stream in the schedule at the due time of its next frame, and the timer on the earliest. */
function plan(stream: Stream): void {
  insert(stream);
  arm();
}

/** Puts the stream in the schedule at the due time of its next frame (a tick arms the timer once, when it is done). */
function insert(stream: Stream): void {
  const due = dueOf(stream);
  let at = schedule.length;
  while (at > 0 && dueOf(schedule[at - 1]!) > due) at--;
  schedule.splice(at, 0, stream);
}

function dueOf(stream: Stream): number {
  return stream.start + stream.index * stream.intervalMs;
}

function arm(): void {
  clearTimeout(timer);
  timer = undefined;
  const first = schedule[0];
  if (first === undefined) return;
  timer = setTimeout(tick, Math.max(0, dueOf(first) - performance.now()));
}

/** Sends every frame that is due, each stream's in order; a late frame does not push the next ones back. */
function tick(): void {
  timer = undefined;
  const now = performance.now();
  while (schedule.length > 0 && dueOf(schedule[0]!) <= now) {
    const stream = schedule.shift()!;
    const { connection } = stream;
    if (!streams.has(stream.id)) continue;
    if (connection.pendingBytes >= Math.max(PENDING_LIMIT_BYTES, 2 * stream.frameBytes)) {
      // The target reads slower than the stream is paced: the frame waits (and goes late) until the
      // socket's backlog is written; the retry timer plans it again.
      continue;
    }
    const due = dueOf(stream);
    const offset = stream.index * stream.frameBytes;
    const data = stream.audio.subarray(offset, Math.min(offset + stream.frameBytes, stream.audio.byteLength));
    const framed = Sender.frame(Buffer.from(data.buffer, data.byteOffset, data.byteLength), FRAME);
    for (const piece of framed) queue(connection, piece);
    flush(connection);
    stream.lags.push(performance.now() - due);
    stream.index++;
    if (stream.index >= stream.frames) end(stream, null);
    else insert(stream);
  }
  arm();
}

function randomMask(mask: Buffer): void {
  // A client's masking key need not be secret from the target, only unpredictable to a proxy.
  mask.writeUInt32LE((Math.random() * 0x100000000) >>> 0);
}

function queue(connection: Connection, bytes: Buffer): void {
  connection.pending.push(bytes);
  connection.pendingBytes += bytes.byteLength;
}

/** Writes what the connection has pending, as far as the kernel takes it. */
function flush(connection: Connection): void {
  if (connection.dead) return;
  while (connection.pending.length > 0) {
    if (Atomics.compareExchange(connection.lock, 0, LOCK_FREE, LOCK_WRITING) !== LOCK_FREE) {
      // Revoked: the worker is closing the socket.
      forget(connection, 'the socket closed before the last frame');
      return;
    }
    const bytes = connection.pending[0]!;
    let wrote: number;
    try {
      wrote = writeSync(connection.fd, bytes);
    } catch (error) {
      wrote = (error as NodeJS.ErrnoException).code === 'EAGAIN' ? -1 : -2;
    } finally {
      Atomics.store(connection.lock, 0, LOCK_FREE);
      Atomics.notify(connection.lock, 0);
    }
    if (wrote === -2) {
      // The connection broke: the worker hears it from its own side of the socket and closes it.
      forget(connection, 'the socket broke before the last frame');
      return;
    }
    if (wrote === -1) break;
    connection.written += wrote;
    connection.pendingBytes -= wrote;
    if (wrote < bytes.byteLength) {
      connection.pending[0] = bytes.subarray(wrote);
      break;
    }
    connection.pending.shift();
  }
  if (connection.pending.length > 0) {
    retryTimer ??= setTimeout(retry, RETRY_MS);
    return;
  }
  if (connection.releasing && connection.streams.size === 0) {
    connections.delete(connection.id);
    Atomics.store(connection.lock, 0, LOCK_REVOKED);
    port.postMessage({ kind: 'released', connection: connection.id, written: takeWritten(connection) } satisfies PacerReport);
  }
}

/** Tries every connection with bytes left again; the frames held back by a backlog are planned afresh. */
function retry(): void {
  retryTimer = undefined;
  for (const connection of connections.values()) if (connection.pending.length > 0) flush(connection);
  for (const stream of streams.values()) if (!schedule.includes(stream)) plan(stream);
}

function end(stream: Stream, error: string | null): void {
  streams.delete(stream.id);
  stream.connection.streams.delete(stream);
  const at = schedule.indexOf(stream);
  if (at >= 0) schedule.splice(at, 1);
  // What the connection wrote so far counts before the stream's end is known: its frames are out.
  port.postMessage({ kind: 'ended', stream: stream.id, error, lags: stream.lags, written: takeWritten(stream.connection) } satisfies PacerReport);
}

/** The connection is no longer this thread's to write: its streams end, its bytes are dropped. */
function forget(connection: Connection, why: string): void {
  connection.dead = true;
  connection.pending.length = 0;
  connection.pendingBytes = 0;
  for (const stream of connection.streams) end(stream, why);
  connections.delete(connection.id);
  port.postMessage({ kind: 'released', connection: connection.id, written: takeWritten(connection) } satisfies PacerReport);
}

function takeWritten(connection: Connection): number {
  const written = connection.written;
  connection.written = 0;
  return written;
}

/** Every PACER_BATCH_MS: each stream's lags, each connection's bytes written since the last report, and its backlog if it changed. */
function report(): void {
  const progress: StreamProgress[] = [];
  for (const stream of streams.values()) {
    if (stream.lags.length === 0) continue;
    progress.push({ stream: stream.id, lags: stream.lags });
    stream.lags = [];
  }
  const written: [connection: number, bytes: number][] = [];
  const pending: [connection: number, bytes: number][] = [];
  for (const connection of connections.values()) {
    if (connection.written > 0) written.push([connection.id, takeWritten(connection)]);
    if (connection.pendingBytes === connection.reportedPending) continue;
    connection.reportedPending = connection.pendingBytes;
    pending.push([connection.id, connection.pendingBytes]);
  }
  if (progress.length > 0 || written.length > 0 || pending.length > 0) port.postMessage({ kind: 'progress', progress, written, pending } satisfies PacerReport);
}

setInterval(report, PACER_BATCH_MS);
port.postMessage({ kind: 'ready' } satisfies PacerReport);
