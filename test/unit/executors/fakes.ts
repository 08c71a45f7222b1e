/**
 * Virtual time and scripted VUs for executor tests: nothing waits on real timers, and every start,
 * end and interruption happens at an exact, known millisecond.
 */
import { abortError, isAbortError } from '../../../src/clock.js';
import type {
  Clock,
  Executor,
  ExecutorContext,
  IterationResult,
  PlannedScenario,
  VirtualUser,
} from '../../../src/types.js';

interface Timer {
  readonly atMs: number;
  readonly resolve: () => void;
}

/** A clock whose time only moves when the test advances it; due sleeps wake in time order, ties in the order they began. */
export class FakeClock implements Clock {
  private time = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(abortError());
    if (atMs <= this.time) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.timers = this.timers.filter((timer) => timer !== entry);
        reject(abortError());
      };
      const entry: Timer = {
        atMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward to `untilMs` (or until no sleep is pending), waking each due sleep in turn and
   * letting the code it wakes run before the next.
   */
  async advance(untilMs = Number.POSITIVE_INFINITY): Promise<void> {
    await settle();
    for (;;) {
      const next = this.timers.reduce<Timer | undefined>((earliest, timer) => (earliest === undefined || timer.atMs < earliest.atMs ? timer : earliest), undefined);
      if (next === undefined || next.atMs > untilMs) break;
      this.timers = this.timers.filter((timer) => timer !== next);
      this.time = Math.max(this.time, next.atMs);
      next.resolve();
      await settle();
    }
    if (untilMs !== Number.POSITIVE_INFINITY) this.time = Math.max(this.time, untilMs);
  }
}

/** Lets every pending promise chain run to completion (microtasks drain before the next macrotask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface IterationRecord {
  readonly vu: number;
  readonly startMs: number;
  endMs: number | undefined;
  result: IterationResult | undefined;
}

/** How long iteration `n` (0-based, per VU) of VU `vu` takes, and what it returns when not interrupted. */
export type IterationScript = (vu: number, n: number) => { readonly durationMs: number; readonly result?: IterationResult };

export class FakeVu implements VirtualUser {
  private iterations = 0;

  constructor(
    readonly id: number,
    private readonly clock: FakeClock,
    private readonly script: IterationScript,
    private readonly log: IterationRecord[],
  ) {}

  async runIteration(_scenario: PlannedScenario, signal: AbortSignal): Promise<IterationResult> {
    const { durationMs, result = 'completed' } = this.script(this.id, this.iterations++);
    const record: IterationRecord = { vu: this.id, startMs: this.clock.now(), endMs: undefined, result: undefined };
    this.log.push(record);
    let outcome: IterationResult = result;
    try {
      await this.clock.sleepUntil(record.startMs + durationMs, signal);
    } catch (error) {
      if (!isAbortError(error)) throw error;
      outcome = 'interrupted';
    }
    record.endMs = this.clock.now();
    record.result = outcome;
    return outcome;
  }
}

export interface Harness {
  readonly clock: FakeClock;
  readonly context: ExecutorContext;
  readonly abort: AbortController;
  readonly iterations: IterationRecord[];
  /** The active-VU count after each change, with its time. */
  readonly active: { atMs: number; vus: number }[];
  /** When each dropped iteration was reported. */
  readonly dropped: number[];
  /** Starts `executor` without advancing time. */
  start(executor: Executor): Running;
  /** Runs `executor` to its end and returns the virtual time its `run` resolved at. */
  run(executor: Executor): Promise<number>;
}

export interface Running {
  /** When `run` resolved, once it has. */
  readonly endedAt: number | undefined;
}

export function harness(scenario: PlannedScenario, vuCount: number, script: IterationScript): Harness {
  const clock = new FakeClock();
  const abort = new AbortController();
  const iterations: IterationRecord[] = [];
  const active: { atMs: number; vus: number }[] = [];
  const dropped: number[] = [];
  let activeNow = 0;
  const vus = Array.from({ length: vuCount }, (_, id) => new FakeVu(id, clock, script, iterations));
  const context: ExecutorContext = {
    scenario,
    clock,
    vus,
    signal: abort.signal,
    events: {
      activeVus(delta) {
        activeNow += delta;
        active.push({ atMs: clock.now(), vus: activeNow });
      },
      droppedIteration() {
        dropped.push(clock.now());
      },
    },
  };
  const start = (executor: Executor): Running => {
    const running: { endedAt: number | undefined } = { endedAt: undefined };
    void executor.run(context).then(() => {
      running.endedAt = clock.now();
    });
    return running;
  };
  return {
    clock,
    context,
    abort,
    iterations,
    active,
    dropped,
    start,
    async run(executor) {
      const running = start(executor);
      await clock.advance();
      if (running.endedAt === undefined) throw new Error('the executor did not end once no timer was left');
      if (clock.pendingTimers > 0) throw new Error('the executor left timers behind');
      return running.endedAt;
    },
  };
}

/** The common fields of a planned scenario, for building test scenarios. */
export const base = { name: 'test', startTimeMs: 0, gracefulStopMs: 0, exec: 'default', env: {}, tags: {} } as const;

/** Iteration starts as [vu, startMs] pairs, in the order they happened. */
export function starts(iterations: readonly IterationRecord[]): [number, number][] {
  return iterations.map((record) => [record.vu, record.startMs]);
}

/** Each iteration as [vu, startMs, endMs, result], in the order they started. */
export function timeline(iterations: readonly IterationRecord[]): [number, number, number | undefined, IterationResult | undefined][] {
  return iterations.map((record) => [record.vu, record.startMs, record.endMs, record.result]);
}

/** A script where every iteration of VU v lasts `durationsByVu[v]` ms. */
export function lasting(...durationsByVu: number[]): IterationScript {
  return (vu) => ({ durationMs: durationsByVu[vu] ?? durationsByVu[0] ?? 0 });
}
