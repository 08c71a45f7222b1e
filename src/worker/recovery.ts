/**
 * A crossing was stopped. On a timeout V8 drops the microtasks queued in that crossing, so every
 * VU with events in it loses its iteration; the realm itself is fine. When the isolate died of
 * memory, all its VUs are re-created in a new one (init runs again) and go on. A failure of wsk's
 * own in a crossing fails the iterations in it, and the VUs go on.
 */
import type { CrossingError } from '../sandbox/isolate.js';
import type { WorkerEnvironment } from './environment.js';
import type { Iterations } from './iterations.js';
import type { Placements } from './placements.js';
import type { Report } from './report.js';
import type { HostVu, Placement } from './vus.js';

/**
 * Which VU a stopped crossing is blamed on (0: none known). A runaway loop is the VU whose code
 * ran last; memory is the only VU in the crossing, or, once crossings carry one VU each, the VU whose
 * crossings grew the heap most (whoever allocates last when the heap is full need not hold it).
 */
export function blame(kind: 'timeout' | 'memory' | 'internal', runningVu: number, victims: readonly HostVu[], place: Placement): number {
  const only = victims.length === 1 ? victims[0]!.id : 0;
  if (kind === 'timeout') return runningVu || only;
  if (kind === 'memory' && place.oneVuPerCrossing) return heaviest(place.vus, only);
  // Unsure: the VU whose code ran last, which the report says may not hold the memory.
  return only || runningVu;
}

/** The VU whose crossings grew the heap most (its leak fills it), or `fallback` when none grew it. */
export function heaviest(vus: readonly HostVu[], fallback: number): number {
  let best: HostVu | undefined;
  for (const vu of vus) if (vu.heapGrowth > (best?.heapGrowth ?? 0)) best = vu;
  return best?.id ?? fallback;
}

function describeIds(ids: readonly number[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

export interface RecoveryOptions {
  /** --memory-limit, for the message. */
  readonly memoryLimitMb: number;
  readonly clock: Pick<WorkerEnvironment, 'now'>;
  readonly placements: Placements;
  readonly iterations: Iterations;
  readonly report: Report;
}

export class Recovery {
  readonly #memoryLimitMb: number;
  readonly #clock: Pick<WorkerEnvironment, 'now'>;
  readonly #placements: Placements;
  readonly #iterations: Iterations;
  readonly #report: Report;

  constructor(options: RecoveryOptions) {
    this.#memoryLimitMb = options.memoryLimitMb;
    this.#clock = options.clock;
    this.#placements = options.placements;
    this.#iterations = options.iterations;
    this.#report = options.report;
  }

  /** `crossed`: the VU of each event the stopped crossing carried. */
  recover(place: Placement, error: CrossingError, crossed: readonly (HostVu | null)[]): void {
    const victims = [...new Set(crossed)].filter((vu): vu is HostVu => vu !== null && vu.token !== 0);
    const kind = error.failure === 'disposed' ? 'memory' : error.failure;
    // After a shared crossing ran out of memory, `running` may name a VU whose continuation ran
    // earlier in it; only a crossing of one VU names the culprit for certain.
    const sure = victims.length <= 1 || place.oneVuPerCrossing || kind === 'timeout';
    const culprit = blame(kind, error.runningVu, victims, place);
    const message =
      kind === 'memory'
        ? `its isolate's heap reached the limit of ${this.#memoryLimitMb} MB (--memory-limit)${
            sure
              ? ''
              : `; VU ${culprit || '?'} ran last in a crossing shared by VUs ${describeIds(victims.map((vu) => vu.id))}, so it may not be the one holding the memory: from now on that isolate's crossings carry one VU each, so a repeat names it for certain`
          }`
        : error.message;
    this.#report.error({ vu: culprit, kind, error: { message, stack: kind === 'memory' ? '' : error.stack_ } });
    const failed = error.failure === 'disposed' ? place.vus.filter((vu) => vu.token !== 0) : victims;
    // The VUs move to a new isolate first, so the iterations their loops start next run there.
    if (error.failure === 'disposed') this.#placements.rebuild(place, !sure);
    const now = this.#clock.now();
    for (const vu of failed) {
      if (vu.id !== culprit) this.#report.error({ vu: vu.id, kind: 'abandoned', error: { message: `stopped with VU ${culprit || '?'}`, stack: '' } });
      this.#iterations.lost(vu, now);
    }
  }
}
