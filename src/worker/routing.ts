/**
 * Where the actions a crossing brings back go: the core's (timers, metrics, logs, errors, the end
 * of an iteration) are handled here, each protocol's by its host side's handler.
 */
import { isCoreAction, type CoreAction, type ProtocolAction, type SandboxAction } from '../../runtime/protocol.js';
import type { MetricDefinition } from '../types.js';
import type { VuCreation } from './creation.js';
import type { Iterations } from './iterations.js';
import type { WorkerMetrics } from './metrics.js';
import type { ProtocolHosts } from './protocol-hosts.js';
import type { Report } from './report.js';
import type { Sleeps } from './sleeps.js';
import type { HostVu, Placement } from './vus.js';

export interface ActionRouterOptions {
  readonly vus: ReadonlyMap<number, HostVu>;
  readonly protocols: ProtocolHosts;
  readonly sleeps: Sleeps;
  readonly iterations: Iterations;
  readonly creation: VuCreation;
  readonly metrics: WorkerMetrics;
  readonly report: Report;
}

export class ActionRouter {
  readonly #vus: ReadonlyMap<number, HostVu>;
  readonly #protocols: ProtocolHosts;
  readonly #sleeps: Sleeps;
  readonly #iterations: Iterations;
  readonly #creation: VuCreation;
  readonly #metrics: WorkerMetrics;
  readonly #report: Report;

  constructor(options: ActionRouterOptions) {
    this.#vus = options.vus;
    this.#protocols = options.protocols;
    this.#sleeps = options.sleeps;
    this.#iterations = options.iterations;
    this.#creation = options.creation;
    this.#metrics = options.metrics;
    this.#report = options.report;
  }

  /** An action of `place`'s realm. */
  handle(place: Placement, action: SandboxAction): void {
    if (isCoreAction(action)) this.#core(place, action);
    else this.#protocol(action);
  }

  #protocol(action: ProtocolAction): void {
    const handler = this.#protocols.handler(action[0]);
    if (handler === undefined) {
      this.#report.error({ vu: action[1], kind: 'internal', error: { message: `no protocol handles the sandbox action "${action[0]}"`, stack: '' } });
      return;
    }
    const vu = this.#vus.get(action[1]);
    if (vu !== undefined) handler(action, vu.port);
  }

  #core(place: Placement, action: CoreAction): void {
    switch (action[0]) {
      case 'sleep': {
        const vu = this.#vus.get(action[1]);
        if (vu === undefined || (vu.token === 0 && !vu.initializing)) return;
        this.#sleeps.arm(vu, place, action[2], action[3]);
        return;
      }
      case 'cancel': {
        const vu = this.#vus.get(action[1]);
        if (vu !== undefined) this.#sleeps.cancel(vu, action[2]);
        return;
      }
      case 'metric': {
        const vu = this.#vus.get(action[1]);
        this.#metrics.script(vu?.scenario ?? 0, action[2], action[3], action[4], action[5], vu?.tags ?? null);
        return;
      }
      case 'tags': {
        const vu = this.#vus.get(action[1]);
        if (vu !== undefined) vu.tags = action[2] === null ? null : Object.freeze(action[2]);
        return;
      }
      case 'abort': {
        // Init code's abort fails its VU's creation instead (vu-host.ts).
        const vu = this.#vus.get(action[1]);
        if (vu === undefined || vu.token === 0) return;
        // The test stops: the aborting iteration ends here, interrupted; the abort is its one error.
        this.#report.aborted(vu.id, action[2]);
        this.#iterations.interrupt(vu.id, vu.token);
        return;
      }
      case 'define': {
        let definition: MetricDefinition | undefined;
        try {
          definition = this.#metrics.define(action[1], action[2], action[3]);
        } catch (error) {
          this.#report.error({ vu: 0, kind: 'iteration', error: { message: (error as Error).message, stack: '' } });
          return;
        }
        if (definition !== undefined) this.#report.defined(definition);
        return;
      }
      case 'log':
        this.#report.log({ vu: action[1], level: action[2], text: action[3] });
        return;
      case 'error':
        this.#report.error({ vu: action[1], kind: 'callback', error: action[2], where: action[3] });
        return;
      case 'ready': {
        const vu = this.#vus.get(action[1]);
        if (vu !== undefined) this.#creation.ready(vu, action[2]);
        return;
      }
      case 'end': {
        const vu = this.#vus.get(action[1]);
        if (action[4] !== '') this.#report.result(action[1], action[2], action[4]);
        if (vu !== undefined) this.#iterations.end(vu, action[2], action[3], action[5] ?? 0);
        return;
      }
      default: {
        const unknown: never = action;
        throw new Error(`unhandled core action ${String((unknown as unknown[])[0])}`);
      }
    }
  }
}
