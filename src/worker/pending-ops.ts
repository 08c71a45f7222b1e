/**
 * A VU's pending host operations (its sleeps) and their timers. An iteration mostly waits on one at
 * a time, so the first is kept in fields and a Map is made only for more: an idle fleet's VUs each
 * hold one sleep, and a Map each was 300 bytes a VU.
 */
import type { TimerHandle } from './environment.js';

export class PendingOps {
  #op = 0;
  #timer: TimerHandle | undefined;
  #more: Map<number, TimerHandle> | undefined;

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

  clear(): void {
    this.#op = 0;
    this.#timer = undefined;
    this.#more = undefined;
  }
}
