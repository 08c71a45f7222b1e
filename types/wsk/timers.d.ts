/**
 * Timers (k6/timers' shape), also global in VU code. A VU's iteration, and its init code, end only
 * once the timers they set have run or been cleared; a pending interval keeps the iteration going
 * until it is cleared or the iteration is interrupted.
 */

/** Runs `callback(...args)` once after `ms` milliseconds (NaN or negative: 0); returns the timer's id. */
export function setTimeout<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): number;
/** Cancels a timer of setTimeout (or setInterval); an unknown id does nothing. */
export function clearTimeout(id: number | undefined): void;
/** Runs `callback(...args)` every `ms` milliseconds until cleared; returns the timer's id. */
export function setInterval<A extends unknown[]>(callback: (...args: A) => unknown, ms?: number, ...args: A): number;
/** Cancels a timer of setInterval (or setTimeout); an unknown id does nothing. */
export function clearInterval(id: number | undefined): void;
