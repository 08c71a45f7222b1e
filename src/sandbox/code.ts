/**
 * What a sandbox runs and under which limits: plain data and the user code's wrapping, apart from
 * isolate.ts so the main thread, which only prepares code, never loads isolated-vm.
 */
import type { ImportReference } from '../../runtime/protocol.js';

export type Isolation = 'compartment' | 'context';

/** The code every realm of an isolate runs: compiled once per isolate. */
export interface SandboxCode {
  /** The runtime's script; its completion value is the runtime's `boot` function. */
  readonly runtime: string;
  /** The user's bundle, wrapped as a function expression (see `wrapUserCode`). */
  readonly user: string;
  /** File name V8 reports for positions in `user` (its stack frames are mapped to the user's sources). */
  readonly userFileName: string;
  /** What the user's code takes from the runtime's modules, checked before it runs (none in tests that build code by hand). */
  readonly imports?: readonly ImportReference[];
  /** Whether the user's code names a timer global (see namesTimerGlobals); taken as true when absent. */
  readonly timerGlobals?: boolean;
  /** Where V8's code cache of `runtime` is kept between runs (see compileRuntime); none: compiled from source each time. */
  readonly runtimeCodeCache?: string;
}

/** Lines `wrapUserCode` puts before the bundle's first line. */
export const USER_CODE_LINE_OFFSET = 1;

/**
 * Wraps the bundle so each call instantiates a fresh copy of the user's module code for one VU. The
 * function is async, so init code may await at its top level; it returns a promise of the end of
 * the init code, and sets `module.exports` to the script's exports as it ends.
 */
export function wrapUserCode(bundle: string): string {
  return (
    '(async function (require, module, exports, __VU, __wskEnv, console, open, __wskHook, Math, setTimeout, clearTimeout, setInterval, clearInterval) { "use strict"; ' +
    'let __ITER = 0, __ENV = __wskEnv; __wskHook(function (i, e) { __ITER = i; __ENV = e; }); const __wskExports = function (namespace) { module.exports = namespace; };\n' +
    bundle +
    '\n})'
  );
}

/**
 * Whether the bundle names a timer global. `setTimeout` and the others are parameters of the
 * wrapper around it (wrapUserCode), so only code that names one can reach it; the VUs of code that
 * names none are spared four closures and their state each. Read once per run, on the bundle itself.
 */
export function namesTimerGlobals(bundle: string): boolean {
  return /\b(?:set|clear)(?:Timeout|Interval)\b/.test(bundle);
}

export interface SandboxLimits {
  readonly memoryLimitMb: number;
  /** Longest a single crossing may run before V8 stops it (a runaway loop in a VU). */
  readonly callTimeoutMs: number;
}
