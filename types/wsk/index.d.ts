/**
 * The `wsk` module: what a virtual user (VU) script imports. `k6` is accepted as an alias.
 * Everything that waits returns a promise: thousands of VUs share one thread, so a VU pauses by
 * awaiting, never by blocking. (k6-style scripts that omit `await` are rewritten at bundling.)
 */

/** Pauses this VU for `seconds` (fractions allowed). */
export function sleep(seconds: number): Promise<void>;

/** A named set of predicates over `value`; each result is recorded in the `checks` rate metric. */
export type Checkers<T> = Record<string, (value: T) => unknown>;

/**
 * Runs each predicate against `value`; records one `checks` sample per predicate (tagged `check: name`,
 * the current group, and `tags`). Returns true when all passed. Predicates are synchronous.
 */
export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean;

/**
 * Runs `fn` inside a named group: its metrics are tagged `group: '::name'` (nested: '::outer::inner')
 * and its duration is recorded in `group_duration`. Returns what `fn` returns.
 */
export function group<T>(name: string, fn: () => T | Promise<T>): Promise<T>;

/** Ends the current iteration with an error (counted and logged); the VU goes on with the next one. */
export function fail(message?: string): never;

/** Per-VU, per-iteration facts (also available as `import exec from 'wsk/execution'`). */
export { default as exec } from './execution';

declare global {
  /** Environment variables: the process environment, overridden by `-e KEY=VALUE` and scenario `env`. */
  const __ENV: Readonly<Record<string, string | undefined>>;
  /** This VU's id, from 1 (0 in setup and teardown). */
  const __VU: number;
  /** This VU's iteration number, from 0. */
  const __ITER: number;
  /** Reads a file relative to the script, in init code only. `'b'` returns its bytes. */
  function open(path: string): string;
  function open(path: string, mode: 'b'): ArrayBuffer;
  /** Logs to wsk's output, prefixed with the VU id. */
  const console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}
