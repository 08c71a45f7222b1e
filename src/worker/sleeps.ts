/**
 * The host operations of a running iteration: its sleeps, each a timer that answers its op when it
 * fires. They end with the iteration: an iteration stopped early has the realm forget them.
 */
import type { HostTimers } from './environment.js';
import type { CrossingQueue } from './crossing.js';
import type { OwnTimer } from './pending-ops.js';
import type { HostVu, Placement } from './vus.js';

export class Sleeps {
  readonly #timers: HostTimers;
  readonly #queue: CrossingQueue;

  constructor(timers: HostTimers, queue: CrossingQueue) {
    this.#timers = timers;
    this.#queue = queue;
  }

  /**
   * A sleep action: op `op` of the VU resolves in `place`'s realm after `ms`. The VU's own timer
   * serves it (re-armed when it last ran for as long); a second sleep while that one runs (a
   * script's timers) gets a timer of its own.
   */
  arm(vu: HostVu, place: Placement, op: number, ms: number): void {
    const own = (vu.ops.own ??= this.#ownTimer(vu, place));
    if (own.op !== 0) {
      const timer = this.#timers.setTimeout(() => this.#resolve(vu, place, op), ms);
      vu.ops.set(op, timer);
      return;
    }
    own.op = op;
    own.place = place;
    if (own.handle !== undefined && own.ms === ms) {
      this.#timers.refresh(own.handle);
    } else {
      own.handle = this.#timers.setTimeout(own.fire, ms);
      own.ms = ms;
    }
    vu.ops.set(op, own.handle);
  }

  /** A cancel action: the sleep is no longer needed (a timeout whose operation finished first). */
  cancel(vu: HostVu, op: number): void {
    const timer = vu.ops.get(op);
    if (timer === undefined) return;
    this.#timers.clearTimeout(timer);
    vu.ops.delete(op);
    if (vu.ops.own?.op === op) vu.ops.ownCleared();
  }

  /** The iteration ended before its operations did: they are dropped, and its realm (if alive) forgets them. */
  abandon(vu: HostVu): void {
    if (vu.ops.size === 0) return;
    for (const timer of vu.ops.values()) this.#timers.clearTimeout(timer);
    if (!vu.place.isolate.disposed) this.#queue.enqueue(vu.place, ['forget', vu.ops.keys()], null);
    vu.ops.clear();
  }

  #ownTimer(vu: HostVu, place: Placement): OwnTimer {
    const own: OwnTimer = {
      handle: undefined,
      ms: 0,
      op: 0,
      place,
      fire: () => {
        const op = own.op;
        own.op = 0;
        this.#resolve(vu, own.place, op);
      },
    };
    return own;
  }

  #resolve(vu: HostVu, place: Placement, op: number): void {
    vu.ops.delete(op);
    this.#queue.enqueue(place, ['resolve', op, undefined], vu);
  }

  /** The VU's realm is gone: its operations answer nothing any more (the new realm reuses their numbers). */
  drop(vu: HostVu): void {
    for (const timer of vu.ops.values()) this.#timers.clearTimeout(timer);
    vu.ops.clear();
  }
}
