/**
 * The iterations a worker runs: the ones the coordinator starts one by one, and the loops a VU runs
 * on its own (back to back until a count or a time). Every iteration ends in `#finish`: reported, or
 * counted in its loop, which starts the next. A loop's iteration that awaits the host may chain
 * the next one in the realm, as it ends (IterateEvent in runtime/protocol.ts): the host learns of it
 * from the `end`, and takes it on as if it had started it itself, one crossing sooner.
 */
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import type { RunMemory } from '../../runtime/run-memory.js';
import type { WorkerEnvironment } from './environment.js';
import type { CrossingQueue } from './crossing.js';
import { IterationStatus, type IterationStatusCode, type WorkerScenario } from './messages.js';
import type { WorkerMetrics } from './metrics.js';
import type { ProtocolHosts } from './protocol-hosts.js';
import type { Report } from './report.js';
import type { Sleeps } from './sleeps.js';
import type { HostVu, Loop } from './vus.js';

export interface IterationsOptions {
  readonly vus: ReadonlyMap<number, HostVu>;
  readonly scenarios: readonly WorkerScenario[];
  readonly clock: Pick<WorkerEnvironment, 'now' | 'epochMs'>;
  readonly queue: CrossingQueue;
  readonly sleeps: Sleeps;
  readonly report: Report;
  readonly metrics: WorkerMetrics;
  /** Told when an iteration ends, so what it opened for itself alone ends with it. */
  readonly protocols: Pick<ProtocolHosts, 'endIteration'>;
  /** False for the lifecycle VU: setup() and teardown() are not iterations. */
  readonly recordIterations: boolean;
  /** The run's shared memory, where ended iterations are counted for wsk/execution (none in tests). */
  readonly run?: RunMemory | undefined;
}

export class Iterations {
  readonly #vus: ReadonlyMap<number, HostVu>;
  readonly #scenarios: readonly WorkerScenario[];
  readonly #clock: Pick<WorkerEnvironment, 'now' | 'epochMs'>;
  readonly #queue: CrossingQueue;
  readonly #sleeps: Sleeps;
  readonly #report: Report;
  readonly #metrics: WorkerMetrics;
  readonly #protocols: Pick<ProtocolHosts, 'endIteration'>;
  readonly #recordIterations: boolean;
  readonly #run: RunMemory | undefined;
  /** Tokens of the iterations a VU's loop starts itself: negative, so they never meet the coordinator's. */
  #loopTokens = -1;

  constructor(options: IterationsOptions) {
    this.#vus = options.vus;
    this.#scenarios = options.scenarios;
    this.#clock = options.clock;
    this.#queue = options.queue;
    this.#sleeps = options.sleeps;
    this.#report = options.report;
    this.#metrics = options.metrics;
    this.#protocols = options.protocols;
    this.#recordIterations = options.recordIterations;
    this.#run = options.run;
  }

  /** Starts one iteration; `loop`, when it is the VU's loop's, lets the realm chain the loop's next ones. */
  start(id: number, token: number, scenario: number, iterInScenario: number, loop?: Loop): void {
    const vu = this.#vus.get(id);
    const definition = this.#scenarios[scenario];
    if (vu === undefined || definition === undefined) {
      this.#report.ended(id, token, IterationStatus.failed);
      this.#queue.schedule();
      return;
    }
    vu.token = token;
    vu.scenario = scenario;
    const now = (vu.startedAt = this.#clock.now());
    // The lifecycle VU's functions run outside any scenario.
    const inTest = this.#recordIterations ? scenario : -1;
    if (loop === undefined || loop.left <= 0) {
      vu.chaining = false;
      this.#queue.enqueue(vu.place, ['iterate', id, token, definition.exec, iterInScenario, definition.name, inTest], vu);
      return;
    }
    // The loop's end time on the clock crossings carry.
    const until = now + (loop.untilEpochMs - this.#clock.epochMs());
    vu.chaining = true;
    this.#queue.enqueue(vu.place, ['iterate', id, token, definition.exec, iterInScenario, definition.name, inTest, loop.left, until], vu);
  }

  /** Runs iterations of `scenario` on the VU back to back until `max` of them or `untilEpochMs`. */
  startLoop(id: number, token: number, scenario: number, first: number, max: number, untilEpochMs: number): void {
    const vu = this.#vus.get(id);
    if (vu === undefined) {
      this.#report.loopEnded(id, token, [0, 0, 0]);
      this.#queue.schedule();
      return;
    }
    vu.loop = { token, scenario, untilEpochMs, left: max, iteration: first, counts: [0, 0, 0] };
    this.#nextInLoop(vu, vu.loop);
  }

  /** `token` is an iteration's or a loop's: a loop ends with its running iteration. */
  interrupt(id: number, token: number): void {
    const vu = this.#vus.get(id);
    if (vu === undefined) return;
    if (vu.loop?.token === token) {
      vu.loop.left = 0;
      if (vu.token !== 0) this.#finish(vu, IterationStatus.interrupted);
      return;
    }
    if (vu.token === token) this.#finish(vu, IterationStatus.interrupted);
  }

  /** The sandbox's `end` of iteration `token`: completed, or failed with `error`; `next`, the token of the iteration the realm chained to it (0: none). */
  end(vu: HostVu, token: number, error: ScriptErrorInfo | null, next = 0): void {
    if (vu.token !== token) return;
    const now = this.#clock.now();
    this.#record(vu, now);
    if (error !== null) this.#report.error({ vu: vu.id, kind: 'iteration', error });
    // The realm has let go of the chain: it chained, or it never will for this iteration.
    vu.chaining = false;
    const loop = vu.loop;
    if (next === 0 || loop === undefined) {
      this.#finish(vu, error === null ? IterationStatus.completed : IterationStatus.failed);
      return;
    }
    // Chained: counted as #finish counts it, and the next is taken on as #nextInLoop would have started it.
    this.#abandon(vu);
    if (this.#recordIterations) this.#run?.iterationEnded(vu.scenario, false);
    loop.counts[IterationStatus.completed]++;
    this.#report.loopIteration(loop.scenario, IterationStatus.completed);
    loop.left--;
    loop.iteration++;
    // Tokens the host makes stay below every one the realm made.
    this.#loopTokens = Math.min(this.#loopTokens, next - 1);
    vu.token = next;
    vu.startedAt = now;
    vu.chaining = loop.left > 0;
  }

  /** A stopped crossing lost the VU's iteration at `now`: it still ran, so it counts, as one that failed. */
  lost(vu: HostVu, now: number): void {
    this.#record(vu, now);
    this.#finish(vu, IterationStatus.failed);
  }

  /** The test ends: loops start nothing more, and running iterations (and init code that awaits) are dropped unreported. */
  stop(vu: HostVu): void {
    if (vu.loop !== undefined) vu.loop.left = 0;
    if (vu.token !== 0 || vu.initializing) this.#abandon(vu);
  }

  #nextInLoop(vu: HostVu, loop: Loop): void {
    if (loop.left <= 0 || this.#clock.epochMs() >= loop.untilEpochMs) {
      vu.loop = undefined;
      this.#report.loopEnded(vu.id, loop.token, loop.counts);
      this.#queue.schedule();
      return;
    }
    loop.left--;
    this.start(vu.id, this.#loopTokens--, loop.scenario, loop.iteration++, loop);
  }

  /** Reported to the coordinator, or counted in the VU's loop, which then starts the next (unless interrupted, which ends it). */
  #finish(vu: HostVu, status: IterationStatusCode): void {
    const token = vu.token;
    this.#abandon(vu);
    if (this.#recordIterations) this.#run?.iterationEnded(vu.scenario, status === IterationStatus.interrupted);
    const loop = vu.loop;
    if (loop === undefined) {
      this.#report.ended(vu.id, token, status);
      this.#queue.schedule();
      return;
    }
    loop.counts[status]++;
    this.#report.loopIteration(loop.scenario, status);
    if (status === IterationStatus.interrupted) loop.left = 0;
    this.#nextInLoop(vu, loop);
  }

  /**
   * Drops the running iteration's pending operations and what it opened; its promise chain is left
   * to be collected. An iteration that could still chain is told first that it may not.
   */
  #abandon(vu: HostVu): void {
    if (vu.chaining) {
      vu.chaining = false;
      this.#queue.enqueueFirst(vu.place, ['unchain', vu.id]);
    }
    this.#sleeps.abandon(vu);
    this.#protocols.endIteration(vu.port);
    vu.token = 0;
  }

  #record(vu: HostVu, now: number): void {
    if (this.#recordIterations) this.#metrics.iteration(vu.scenario, now - vu.startedAt, vu.tags);
  }
}
