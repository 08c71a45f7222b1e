/**
 * Crossing into the sandbox: events wait in their placement's queue until the next turn, when one
 * crossing per placement delivers a chunk of them and brings back the actions they caused.
 */
import type { SandboxAction, SandboxEvent } from '../../runtime/protocol.js';
import { CrossingError } from '../sandbox/isolate.js';
import type { WorkerEnvironment } from './environment.js';
import type { Recovery } from './recovery.js';
import type { Report } from './report.js';
import type { ActionRouter } from './routing.js';
import type { HostVu, Placement } from './vus.js';

/**
 * Events delivered per crossing. Large enough that the crossing's fixed cost vanishes, small enough
 * that a burst (thousands of timers firing together) is cut into pieces whose results reach the
 * coordinator while the rest is still being delivered, instead of the threads taking turns.
 */
export const FLUSH_CHUNK = 512;

/** How many queued events from the first on belong to one VU (events of the whole realm ride along). */
export function oneVuRun(queued: readonly (HostVu | null)[]): number {
  let vu: HostVu | null = null;
  let count = 0;
  for (const owner of queued) {
    if (count >= FLUSH_CHUNK || (owner !== null && vu !== null && owner !== vu)) break;
    vu ??= owner;
    count++;
  }
  return count;
}

/** The placements with events waiting, and the request for the turn that flushes them. */
export class CrossingQueue {
  readonly #dirty = new Set<Placement>();
  /** Events that go ahead of a placement's queue in its next crossing (enqueueFirst). */
  readonly #first = new Map<Placement, SandboxEvent[]>();
  readonly #schedule: () => void;
  /** The worker stopped and its isolates are gone: nothing crosses any more. */
  #closed = false;

  /** `schedule` asks for a flush on the next turn (many asks, one flush). */
  constructor(schedule: () => void) {
    this.#schedule = schedule;
  }

  /** Queues `event` for the placement's next crossing; `vu` is the VU it concerns (null: the whole realm). */
  enqueue(place: Placement, event: SandboxEvent, vu: HostVu | null): void {
    if (this.#closed) return;
    place.queue.push(event);
    place.queued.push(vu);
    this.markDirty(place);
  }

  /**
   * Queues `event` ahead of everything waiting: the realm takes it before any event queued earlier.
   * For an event that runs no script code (it crosses in whichever VU's crossing comes next).
   */
  enqueueFirst(place: Placement, event: SandboxEvent): void {
    if (this.#closed) return;
    const first = this.#first.get(place);
    if (first === undefined) this.#first.set(place, [event]);
    else first.push(event);
    this.markDirty(place);
  }

  /** What goes ahead of the placement's queue in the crossing being made, if anything. */
  takeFirst(place: Placement): SandboxEvent[] | undefined {
    const first = this.#first.get(place);
    if (first !== undefined) this.#first.delete(place);
    return first;
  }

  /** The placement crosses on the next flush, even with nothing queued (init code may have left actions). */
  markDirty(place: Placement): void {
    if (this.#closed) return;
    this.#dirty.add(place);
    this.#schedule();
  }

  /** Asks for a flush: what the report holds goes out with it. */
  schedule(): void {
    this.#schedule();
  }

  /**
   * The worker stopped: what its VUs' sockets and timers deliver as they end (a stream's reject, a
   * close) is dropped. Crossing it into a disposed isolate would fail as an out-of-memory does, and
   * the recovery would rebuild the isolate and run every VU's init code again.
   */
  close(): void {
    this.#closed = true;
    for (const place of this.#dirty) this.drop(place);
  }

  /** What was queued for a dead realm means nothing to the realm that replaces it. */
  drop(place: Placement): void {
    place.queue.length = 0;
    place.queued.length = 0;
    this.#first.delete(place);
    this.#dirty.delete(place);
  }

  /** The placements to cross now; the queue starts over. */
  take(): Placement[] {
    const places = [...this.#dirty];
    this.#dirty.clear();
    return places;
  }

  /** A placement whose queue was not emptied by its crossing: it goes on the next flush. */
  keep(place: Placement): void {
    this.#dirty.add(place);
  }

  get waiting(): boolean {
    return this.#dirty.size > 0;
  }
}

export class Crossing {
  readonly #queue: CrossingQueue;
  readonly #router: ActionRouter;
  readonly #recovery: Recovery;
  readonly #report: Report;
  readonly #clock: Pick<WorkerEnvironment, 'now'>;

  constructor(queue: CrossingQueue, router: ActionRouter, recovery: Recovery, report: Report, clock: Pick<WorkerEnvironment, 'now'>) {
    this.#queue = queue;
    this.#router = router;
    this.#recovery = recovery;
    this.#report = report;
    this.#clock = clock;
  }

  /** One crossing per placement with events waiting (a chunk of its queue), then the results go out; the rest waits a turn. */
  flush(): void {
    for (const place of this.#queue.take()) {
      this.#cross(place);
      if (place.queue.length > 0) this.#queue.keep(place);
    }
    this.#report.ship();
    if (this.#queue.waiting) this.#queue.schedule();
  }

  #cross(place: Placement): void {
    // One VU at a time also while init code awaits: the realm then knows whose init code runs.
    const count = place.oneVuPerCrossing || place.initializing > 0 ? oneVuRun(place.queued) : Math.min(place.queue.length, FLUSH_CHUNK);
    let events = place.queue.splice(0, count);
    let vus = place.queued.splice(0, count);
    const first = this.#queue.takeFirst(place);
    if (first !== undefined) {
      events = first.concat(events);
      vus = new Array<HostVu | null>(first.length).fill(null).concat(vus);
    }
    // After an out-of-memory in a shared crossing, each VU's crossings are weighed: the VU whose
    // crossings keep what they allocate is the one to blame when the heap runs out again.
    const weighed = place.oneVuPerCrossing ? vus.find((vu) => vu !== null) : undefined;
    const before = weighed === undefined ? 0 : place.isolate.heapUsed();
    let actions: SandboxAction[];
    try {
      actions = place.realm.flush(events, this.#clock.now());
      if (weighed !== undefined) weighed.heapGrowth += place.isolate.heapUsed() - before;
    } catch (error) {
      this.#recovery.recover(place, error instanceof CrossingError ? error : CrossingError.internal(error), vus);
      return;
    }
    for (const action of actions) this.#router.handle(place, action);
  }
}
