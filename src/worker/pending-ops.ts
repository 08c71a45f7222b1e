/**
 * A VU's pending host operations (its sleeps) and their timers. An iteration mostly waits on one at
 * a time, so the first is kept in fields and a Map is made only for more: an idle fleet's VUs each
 * hold one sleep, and a Map each was 300 bytes a VU.
 */
import type { TimerHandle } from './environment.js';
import type { Placement } from './vus.js';

/**
 * The VU's own sleep timer (src/worker/sleeps.ts), kept after it fires so that its next sleep re-arms
 * it instead of making a timer and a callback. Each lived through its sleep, long enough to reach
 * the old generation: an idle fleet's worker promoted them by the megabyte, for full collections to
 * clear.
 */
export interface OwnTimer {
  /** Undefined once cleared: a cleared timer cannot be armed again. */
  handle: TimerHandle | undefined;
  /** The length it was armed with. */
  ms: number;
  /** The sleep it serves; 0 while it waits for the next. */
  op: number;
  /** The realm its sleep resolves in. */
  place: Placement;
  readonly fire: () => void;
}

export class PendingOps {
  #op = 0;
  #timer: TimerHandle | undefined;
  #more: Map<number, TimerHandle> | undefined;
  /** Made by the VU's first sleep. */
  own: OwnTimer | undefined;

  get size(): number {
    return (this.#op === 0 ? 0 : 1) + (this.#more?.size ?? 0);
  }

  set(op: number, timer: TimerHandle): void {
    if (this.#op === 0 || this.#op === op) {
      this.#op = op;
      this.#timer = timer;
    } else {
      (this.#more ??= new Map()).set(op, timer);
    }
  }

  get(op: number): TimerHandle | undefined {
    return op === this.#op ? this.#timer : this.#more?.get(op);
  }

  delete(op: number): void {
    if (op !== this.#op) {
      this.#more?.delete(op);
      return;
    }
    this.#op = 0;
    this.#timer = undefined;
  }

  /** The ops: the one in the fields first, then the Map's in the order they were set. */
  ops(): number[] {
    const ops = this.#op === 0 ? [] : [this.#op];
    if (this.#more !== undefined) ops.push(...this.#more.keys());
    return ops;
  }

  timers(): TimerHandle[] {
    const timers = this.#timer === undefined ? [] : [this.#timer];
    if (this.#more !== undefined) timers.push(...this.#more.values());
    return timers;
  }

  /** Forgets every op, once their timers were cleared. */
  clear(): void {
    this.#op = 0;
    this.#timer = undefined;
    this.#more = undefined;
    this.ownCleared();
  }

  /** The own timer was cleared: it serves no sleep, and the next needs a new handle (a cleared timer cannot be armed again). */
  ownCleared(): void {
    if (this.own === undefined) return;
    this.own.op = 0;
    this.own.handle = undefined;
  }
}
