/**
 * All process I/O in one object: the CLI builds it from `process`, tests build it in memory. Nothing
 * else in wsk prints, reads the environment, listens for signals or exits.
 */
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
  /** Subscribes to stop signals; returns the unsubscribe function. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /** Ends the process at once (a second Ctrl+C): no teardown, no summary. */
  exit(code: number): void;
}

/** The real process. */
export function processIo(): Io {
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
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
    exit: (code) => process.exit(code),
  };
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
    exit: (code) => {
      exitCode = code;
    },
    exitCode: () => exitCode,
  };
}
