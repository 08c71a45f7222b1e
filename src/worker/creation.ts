/**
 * Creating a worker's VUs: each one's init code runs in a realm with room, a chunk of VUs per
 * event-loop turn. Init code that awaits (top-level await, a timer it set) ends later, in a `ready`
 * action; until then its VU's sleeps are served like an iteration's, its events cross alone (so the
 * realm knows the code they run is that VU's init code), and the coordinator hears of the VUs once
 * every init is over, or the first failed.
 */
import type { VuInitResult } from '../../runtime/protocol.js';
import { CrossingError } from '../sandbox/isolate.js';
import type { CrossingQueue } from './crossing.js';
import type { HostTimers } from './environment.js';
import type { FromWorker } from './messages.js';
import { PendingOps } from './pending-ops.js';
import type { Placements } from './placements.js';
import type { Report } from './report.js';
import type { Sleeps } from './sleeps.js';
import type { VuLink } from './vu-link.js';
import type { HostVu, Placement } from './vus.js';

/** VUs created per event-loop turn, so a large fleet does not stall timers and messages. */
const CREATE_CHUNK = 250;

type Exports = { functions: string[]; options: string };

type InitFailure = NonNullable<Extract<FromWorker, { type: 'vusCreated' }>['error']>;

/** One `createVus` request, answered with one `vusCreated` message. */
interface Request {
  readonly ids: readonly number[];
  /** How many of `ids` have started their init code. */
  next: number;
  /** Those whose init code still awaits. */
  waiting: number;
  exports: Exports | null;
  /** The first VU whose init code failed: no more start, and the answer says so. */
  failure: InitFailure | null;
  answered: boolean;
}

export interface VuCreationOptions {
  readonly vus: Map<number, HostVu>;
  readonly placements: Placements;
  readonly queue: CrossingQueue;
  readonly sleeps: Sleeps;
  readonly timers: HostTimers;
  readonly report: Report;
  readonly send: (message: FromWorker) => void;
  /** Crosses into every placement with events waiting (what init code left, its `ready` actions). */
  readonly flush: () => void;
  /** The VU as the protocols see it; its record is set on it once made. */
  readonly link: (id: number) => VuLink;
}

export class VuCreation {
  readonly #options: VuCreationOptions;
  /** The request each VU whose init code awaits belongs to (none: a VU rebuilt in a new isolate). */
  readonly #awaiting = new Map<number, Request>();

  constructor(options: VuCreationOptions) {
    this.#options = options;
  }

  /** A `createVus` message: runs the VUs' init code, a chunk per turn, then answers `vusCreated`. */
  create(ids: readonly number[]): void {
    const request: Request = { ids, next: 0, waiting: 0, exports: null, failure: null, answered: false };
    const step = (): void => {
      const end = Math.min(ids.length, request.next + CREATE_CHUNK);
      while (request.next < end && request.failure === null) {
        const id = ids[request.next++]!;
        let result: VuInitResult;
        try {
          // Every VU runs the same script: the answer names the exports of the first that got through init.
          result = this.#createVu(id, request.exports === null);
        } catch (error) {
          // The crossing was stopped: nothing of it is left to flush.
          const info = error instanceof CrossingError ? { message: `${error.message} in init code`, stack: error.stack_ } : { message: String(error), stack: '' };
          request.failure = { vu: id, error: info };
          return this.#conclude(request);
        }
        if (result.pending === true) {
          request.waiting++;
          this.#awaiting.set(id, request);
        } else {
          this.#settled(request, id, result);
        }
      }
      this.#options.flush();
      if (request.failure === null && request.next < ids.length) this.#options.timers.setImmediate(step);
      else this.#conclude(request);
    };
    step();
  }

  /**
   * A VU's init code that awaited is over. A VU rebuilt in a new isolate after its request was
   * answered only reports an error: its iterations go on, each failing.
   */
  ready(vu: HostVu, result: VuInitResult): void {
    if (!vu.initializing) return;
    vu.initializing = false;
    vu.place.initializing--;
    this.#options.sleeps.abandon(vu);
    this.#over(vu, result);
  }

  /** A VU's init code ran again in a new isolate (the old one died of memory). */
  reinit(vu: HostVu, result: VuInitResult): void {
    if (result.pending === true) awaitInit(vu, vu.place);
    else this.#over(vu, result);
  }

  #over(vu: HostVu, result: VuInitResult): void {
    const request = this.#awaiting.get(vu.id);
    this.#awaiting.delete(vu.id);
    if (request === undefined) {
      if (result.error !== null) this.#options.report.error({ vu: vu.id, kind: 'iteration', error: result.error });
      return;
    }
    request.waiting--;
    this.#settled(request, vu.id, result);
    // After the crossing that brought it: what the init code logged goes out first.
    this.#options.timers.setImmediate(() => this.#conclude(request));
  }

  #settled(request: Request, id: number, result: VuInitResult): void {
    if (result.error !== null) request.failure ??= { vu: id, error: result.error, aborted: result.aborted };
    else request.exports ??= { functions: result.functions, options: result.options };
  }

  /** Answers once every VU of the request is ready, or at the first failure. */
  #conclude(request: Request): void {
    if (request.answered) return;
    const failure = request.failure;
    if (failure === null && (request.waiting > 0 || request.next < request.ids.length)) return;
    request.answered = true;
    const count = failure === null ? request.ids.length : request.ids.indexOf(failure.vu);
    this.#options.send({ type: 'vusCreated', count, error: failure, exports: request.exports });
  }

  #createVu(id: number, describe: boolean): VuInitResult {
    const { placements, vus, queue, link } = this.#options;
    const place = placements.withRoom();
    const result = place.realm.createVu(id, describe);
    if (result.error !== null) return result;
    const port = link(id);
    const vu: HostVu = {
      id,
      place,
      token: 0,
      scenario: 0,
      tags: null,
      startedAt: 0,
      ops: new PendingOps(),
      loop: undefined,
      chaining: false,
      port,
      heapGrowth: 0,
      initializing: false,
    };
    port.vu = vu;
    place.vus.push(vu);
    vus.set(id, vu);
    if (result.pending === true) awaitInit(vu, place);
    queue.markDirty(place);
    return result;
  }
}

/** Marks `vu`'s init code as awaiting in `place` (its events then cross alone). */
export function awaitInit(vu: HostVu, place: Placement): void {
  vu.initializing = true;
  place.initializing++;
}
