/**
 * A VU's pending host operations (its sleeps) and their timers. An iteration mostly waits on one at
 * a time, so they are kept in a SmallMap: an idle fleet's VUs each hold one sleep, and a Map each
 * was 300 bytes a VU.
 */
import { SmallMap } from '../small-map.js';
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

/** The SmallMap of op to timer, and the own timer. */
export class PendingOps extends SmallMap<TimerHandle> {
  /** Made by the VU's first sleep. */
  own: OwnTimer | undefined;

  /** Forgets every op, once their timers were cleared. */
  override clear(): void {
    super.clear();
    this.ownCleared();
  }

  /** The own timer was cleared: it serves no sleep, and the next needs a new handle (a cleared timer cannot be armed again). */
  ownCleared(): void {
    if (this.own === undefined) return;
    this.own.op = 0;
    this.own.handle = undefined;
  }
}
