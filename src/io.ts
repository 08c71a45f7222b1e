/**
 * All process I/O in one object: the CLI builds it from `process`, tests build it in memory. Nothing
 * else in wsk prints, reads the environment, listens for signals or exits.
 */
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { ExitCode } from './errors.js';

/** How long a command may take to wrap up (stop, summary, files) once the process that started it is gone. */
const ORPHAN_LIMIT_MS = 5_000;
/** How long the process may outlive its command before it is ended hard (see exitWhenIdle). */
const LINGER_MS = 1_000;

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /** Terminal width when a TTY. */
  readonly columns?: number;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Subscribes to stop signals, and to the death of the process that started this one (as SIGTERM);
   * returns the unsubscribe function.
   */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /**
   * Ends the process at once (a second Ctrl+C): no teardown, no summary, no waiting for pending
   * output or for worker threads. `message` is written to stderr first.
   */
  exit(code: number, message?: string): void;
}

/** The real process. */
export function processIo(): Io {
  watchParent();
  const output = (stream: NodeJS.WriteStream): Output => ({
    write: (text) => void stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  });
  return {
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    env: process.env,
    cwd: process.cwd(),
    onSignal(handler) {
      const onInt = (): void => handler('SIGINT');
      const onTerm = (): void => handler('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      parentGone.add(onTerm);
      // Gone before anyone listened: tell the newcomer, as a pending signal would.
      if (orphaned) {
        queueMicrotask(() => {
          if (parentGone.has(onTerm)) onTerm();
        });
      }
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        parentGone.delete(onTerm);
      };
    },
    exit(code, message) {
      if (message !== undefined) writeNow(message);
      hardExit(code);
    },
  };
}

/**
 * Ends the process now, without joining its worker threads: process.exit() would wait for a worker
 * stuck in a sandbox crossing until --call-timeout ends the crossing, and then abort in isolated-vm.
 * SIGKILL cannot be held up. The launcher is first told the exit code over the lifeline, one byte,
 * and exits with it; a process started without the launcher shows the SIGKILL instead.
 */
export function hardExit(code: number): void {
  process.exitCode = code;
  if (lifeline !== undefined && !lifeline.destroyed) {
    try {
      writeSync(LIFELINE_FD, Uint8Array.of(code & 0xff));
    } catch {
      // The launcher is gone: nobody to tell.
    }
  }
  process.kill(process.pid, 'SIGKILL');
}

/**
 * The end of a command run by bin/wsk.js: the process exits with `code` once its event loop is empty.
 * If it is still there LINGER_MS later, something holds it that will not let go in time — a worker
 * thread stuck in a sandbox crossing — so pending output is flushed and the process ends hard.
 */
export function exitWhenIdle(code: number): void {
  process.exitCode = code;
  setTimeout(() => void flushOutput().then(() => hardExit(code)), LINGER_MS).unref();
}

function flushOutput(): Promise<unknown> {
  // A write's callback runs once it and every write before it left the process (or failed).
  return Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
}

/** Writes to stderr before returning, past whatever process.stderr still queues. */
function writeNow(text: string): void {
  try {
    writeSync(2, text);
  } catch (error) {
    // A full non-blocking pipe: the line is lost rather than the exit delayed.
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
  }
}

/** Handlers of the parent's death, and whether it happened. */
const parentGone = new Set<() => void>();
let orphaned = false;
let watching = false;

/**
 * A process wsk starts — the CLI under bin/wsk.js's launcher, a `--serve` target under its run — gets
 * a lifeline from its parent: a socket at LIFELINE_FD whose other end only the parent holds, so it
 * reads its end when the parent dies, however it dies (SIGKILL included). Then the command stops as
 * for SIGTERM, and gets ORPHAN_LIMIT_MS to finish. The lifeline does not keep the process alive.
 *
 * A plain socket, not Node's IPC channel: a child with a channel loads child_process and v8 for it as
 * it starts, which Node compiles from source without its snapshot (about 15 ms of every run's CPU).
 */
export const LIFELINE_FD = 3;

/**
 * Set by wsk's own launchers (bin/wsk.js, a --serve target's parent) on the child they give a
 * lifeline, so a descriptor 3 that another program left open is not taken for one.
 */
export const LIFELINE_ENV = 'WSK_LIFELINE';

let lifeline: Socket | undefined;

function watchParent(): void {
  if (watching || process.env[LIFELINE_ENV] !== '1') return;
  watching = true;
  // Not the script's: it would show in __ENV, and a process this one starts gets its own.
  delete process.env[LIFELINE_ENV];
  try {
    lifeline = new Socket({ fd: LIFELINE_FD, readable: true, writable: false });
  } catch {
    return; // no such descriptor: a launcher of another kind set the variable
  }
  lifeline.unref();
  // Nothing comes over it but the end; an error (a reset) is the end too.
  lifeline.on('error', () => {});
  lifeline.once('close', () => {
    orphaned = true;
    setTimeout(() => hardExit(ExitCode.abortedBySignal), ORPHAN_LIMIT_MS).unref();
    for (const handler of parentGone) handler();
  });
  lifeline.resume();
}

/** An in-memory Io for tests: collects output, lets the test raise signals. */
export function memoryIo(options: { env?: Record<string, string>; cwd?: string; tty?: boolean } = {}): Io & {
  readonly out: () => string;
  readonly err: () => string;
  raise(signal: StopSignal): void;
  /** The code passed to exit(), if it was called. */
  readonly exitCode: () => number | undefined;
} {
  let out = '';
  let err = '';
  const handlers = new Set<(signal: StopSignal) => void>();
  let exitCode: number | undefined;
  const tty = options.tty ?? false;
  return {
    stdout: { write: (text) => void (out += text), isTTY: tty, columns: 100 },
    stderr: { write: (text) => void (err += text), isTTY: tty, columns: 100 },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    onSignal(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    out: () => out,
    err: () => err,
    raise(signal) {
      for (const handler of handlers) handler(signal);
    },
    exit: (code, message) => {
      if (message !== undefined) err += message;
      exitCode = code;
    },
    exitCode: () => exitCode,
  };
}
