/**
 * Where a run reads time: its clock (ms since the run began), the timers it arms and the epoch its
 * results and time series are stamped with. They are handed in, so the run's phases are tested on
 * virtual time; the real ones are the default.
 */
import { realClock, realTimers, type Timers } from '../clock.js';
import { wallClockMs } from '../metrics/series.js';
import type { Clock } from '../types.js';

export interface RunEnvironment {
  readonly clock: Clock;
  readonly timers: Timers;
  /** Milliseconds since the Unix epoch, fractional and comparable across threads (see wallClockMs). */
  readonly epochMs: () => number;
}

export function realRunEnvironment(): RunEnvironment {
  return { clock: realClock(), timers: realTimers(), epochMs: wallClockMs };
}

/** When the test started on the run's clock: after setup(), as the scenarios start. */
export class TestStart {
  #atMs: number | undefined;

  constructor(private readonly clock: Clock) {}

  /** The test starts now. */
  mark(): void {
    this.#atMs = this.clock.now();
  }

  get started(): boolean {
    return this.#atMs !== undefined;
  }

  /** The clock's time at the start (0, the run's beginning, before it). */
  get atMs(): number {
    return this.#atMs ?? 0;
  }

  /** Time since the start; 0 before it. */
  elapsedMs(): number {
    return this.#atMs === undefined ? 0 : this.clock.now() - this.#atMs;
  }

  /** The test's duration for the summary: a test that never started counts from the run's beginning. */
  durationMs(): number {
    return this.clock.now() - this.atMs;
  }
}
