/**
 * What a worker's VuHost reads from outside: the clock, the epoch, timers and the sandbox that makes
 * isolates. The real one is built from performance, Node's timers and isolated-vm; tests hand in
 * virtual time and a scripted sandbox, so the host runs without waiting or V8 isolates.
 */
import type { RealmConfig, SandboxAction, SandboxEvent, VuInitResult } from '../../runtime/protocol.js';
import { onNextTurn } from '../next-turn.js';
import type { SandboxCode, SandboxLimits } from '../sandbox/code.js';
import { SandboxIsolate } from '../sandbox/isolate.js';

/** A timer as the environment made it: only handed back to clear it. */
export type TimerHandle = object;

export interface HostTimers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(timer: TimerHandle): void;
  /** Arms a timeout that fired again, as long as before, from now. */
  refresh(timer: TimerHandle): void;
  /** Repeats `callback` every `ms`, without keeping the thread alive for it. */
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(timer: TimerHandle): void;
  /** Runs `callback` once the current turn's I/O and timers have had their go. */
  setImmediate(callback: () => void): void;
  /** Coalesces every call of the function it returns into one call of `work` on the next turn. */
  onNextTurn(work: () => void): () => void;
}

/** A realm (V8 context) as the host drives it: src/sandbox/isolate.ts `Realm`. */
export interface HostRealm {
  /** Runs one VU's init code in this realm; `describe`: the result names its exports (else they are left empty). */
  createVu(id: number, describe: boolean): VuInitResult;
  /**
   * Delivers events and returns the actions they caused; a stopped crossing throws a CrossingError.
   * `now` is the worker's clock (`WorkerEnvironment.now`) as the crossing begins.
   */
  flush(events: readonly SandboxEvent[], now: number): SandboxAction[];
}

/** An isolate as the host uses it: src/sandbox/isolate.ts `SandboxIsolate`. */
export interface HostIsolate {
  createRealm(config: RealmConfig): HostRealm;
  /** Realms created in it and not yet released. */
  readonly realmCount: number;
  /** Bytes of its heap in use now. */
  heapUsed(): number;
  dispose(): void;
  /** True once disposed, by the host or by V8 when the heap reached its limit. */
  readonly disposed: boolean;
}

/** `open()` of init code: a file's text, or its bytes when `binary`. */
export type OpenFile = (file: string, binary: boolean) => string | ArrayBuffer;

export interface WorkerEnvironment {
  /** Monotonic milliseconds: when iterations start and end. */
  now(): number;
  /** Milliseconds since the Unix epoch, on the same clock: what a loop's end time is compared with. */
  epochMs(): number;
  readonly timers: HostTimers;
  /** Makes an isolate that compiles `code` once and runs every realm of it within `limits`. */
  createIsolate(code: SandboxCode, limits: SandboxLimits, openFile: OpenFile, counters?: SharedArrayBuffer): HostIsolate;
}

const realTimers: HostTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  refresh: (timer) => {
    (timer as NodeJS.Timeout).refresh();
  },
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout),
  setImmediate: (callback) => {
    setImmediate(callback);
  },
  onNextTurn,
};

/** The worker thread's own clock, timers and isolated-vm isolates. */
export const REAL_ENVIRONMENT: WorkerEnvironment = {
  now: () => performance.now(),
  epochMs: () => performance.timeOrigin + performance.now(),
  timers: realTimers,
  createIsolate: (code, limits, openFile, counters) => new SandboxIsolate(code, limits, openFile, counters),
};
