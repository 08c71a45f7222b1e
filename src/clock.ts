/**
 * The run's clock: milliseconds since the test started. Executors only see the `Clock` interface, so
 * tests drive them with virtual time; this module is the real one, plus helpers for abortable sleeps,
 * and the real timers behind the `Timers` interface the run's phases arm.
 */
import type { Clock } from './types.js';

// setTimeout fires at once for delays above 2^31-1 ms, so longer sleeps are taken in chunks.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
// Node timers have millisecond granularity and may fire a fraction of a millisecond early; only re-arm
// when woken clearly early (a chunked long sleep), not to chase sub-millisecond differences.
const EARLY_WAKE_TOLERANCE_MS = 1;

export function realClock(startedAt: number = performance.now()): Clock {
  const now = (): number => performance.now() - startedAt;
  return {
    now,
    sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted === true) return Promise.reject(abortError());
      if (atMs <= now()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(abortError());
        };
        const arm = (): void => {
          timer = setTimeout(wake, Math.min(atMs - now(), MAX_TIMER_DELAY_MS));
        };
        const wake = (): void => {
          if (atMs - now() > EARLY_WAKE_TOLERANCE_MS) {
            arm();
            return;
          }
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        arm();
      });
    },
  };
}

/** The error an aborted sleep rejects with (name 'AbortError', as fetch and timers/promises use). */
export function abortError(): Error {
  const error = new Error('The sleep was aborted');
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * Sleeps until `atMs` on `clock`: true when the time was reached, false when `signal` aborted first.
 * Other errors propagate.
 */
export async function sleepUnlessAborted(clock: Clock, atMs: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await clock.sleepUntil(atMs, signal);
    return true;
  } catch (error) {
    if (isAbortError(error)) return false;
    throw error;
  }
}

/** Cancels a timer; calling it again, or after the timer fired, does nothing. */
export type Cancel = () => void;

/** Timers, handed in like the clock so that code arming them runs on virtual time in tests. */
export interface Timers {
  /** Calls `tick` every `intervalMs` until cancelled. */
  every(intervalMs: number, tick: () => void): Cancel;
  /** Calls `fire` once after `delayMs`, unless cancelled first. */
  after(delayMs: number, fire: () => void): Cancel;
}

export function realTimers(): Timers {
  return {
    every(intervalMs, tick) {
      const timer = setInterval(tick, intervalMs);
      return () => clearInterval(timer);
    },
    after(delayMs, fire) {
      const timer = setTimeout(fire, delayMs);
      return () => clearTimeout(timer);
    },
  };
}
