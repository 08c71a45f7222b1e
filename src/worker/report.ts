/**
 * What a worker tells the coordinator: ended iterations and loops, results, errors, logs and new
 * metrics, gathered between crossings and sent as one batch; and, every metrics interval, the
 * aggregated samples with the iterations loops ran (they only feed the progress display).
 */
import type { MetricDefinition } from '../types.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import type { HostTimers, TimerHandle } from './environment.js';
import type { FromWorker, IterationStatusCode, WorkerError, WorkerLog } from './messages.js';
import type { WorkerMetrics } from './metrics.js';
import type { ProtocolHosts } from './protocol-hosts.js';

export interface ReportOptions {
  readonly send: (message: FromWorker) => void;
  readonly metrics: WorkerMetrics;
  /** Counted before each metrics interval's samples go out. */
  readonly protocols: ProtocolHosts;
  readonly timers: HostTimers;
  readonly metricsIntervalMs: number;
  /** False for the lifecycle VU: its samples go out with each end (see `ship`). */
  readonly recordIterations: boolean;
}

export class Report {
  readonly #send: (message: FromWorker) => void;
  readonly #metrics: WorkerMetrics;
  readonly #protocols: ProtocolHosts;
  readonly #timers: HostTimers;
  readonly #recordIterations: boolean;
  readonly #metricsTimer: TimerHandle;
  #stopped = false;
  #ended: number[] = [];
  #logs: WorkerLog[] = [];
  #errors: WorkerError[] = [];
  #defined: MetricDefinition[] = [];
  #results: { vu: number; token: number; json: string }[] = [];
  #loopsEnded: number[] = [];
  /** Iterations loops ran since the last report, by scenario × 3 + status: counted here, reported with the metrics. */
  readonly #loopIterations = new Map<number, number>();

  /** Starts the metrics interval. */
  constructor(options: ReportOptions) {
    this.#send = options.send;
    this.#metrics = options.metrics;
    this.#protocols = options.protocols;
    this.#timers = options.timers;
    this.#recordIterations = options.recordIterations;
    this.#metricsTimer = options.timers.setInterval(() => this.#shipMetrics(), options.metricsIntervalMs);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** An iteration the coordinator started ended. */
  ended(vu: number, token: number, status: IterationStatusCode): void {
    this.#ended.push(vu, token, status);
  }

  /** A loop ended, with how many of its iterations completed, failed and were interrupted. */
  loopEnded(vu: number, token: number, counts: readonly [number, number, number]): void {
    this.#loopsEnded.push(vu, token, ...counts);
  }

  /** An iteration a loop ran ended. */
  loopIteration(scenario: number, status: IterationStatusCode): void {
    const key = scenario * 3 + status;
    this.#loopIterations.set(key, (this.#loopIterations.get(key) ?? 0) + 1);
  }

  log(log: WorkerLog): void {
    this.#logs.push(log);
  }

  error(error: WorkerError): void {
    this.#errors.push(error);
  }

  defined(definition: MetricDefinition): void {
    this.#defined.push(definition);
  }

  /** exec.test.abort() in an iteration: the coordinator hears of it at once, ahead of the batch. */
  aborted(vu: number, error: ScriptErrorInfo): void {
    this.#send({ type: 'aborted', vu, error });
  }

  /** The return value (JSON) of a lifecycle function. */
  result(vu: number, token: number, json: string): void {
    this.#results.push({ vu, token, json });
  }

  /**
   * Sends what the coordinator waits for (ended iterations and loops, results, errors, logs). Loop
   * iteration counts only feed the progress display: they ride along, or go out with the metrics.
   */
  ship(withCounts = false): void {
    const size = this.#ended.length + this.#logs.length + this.#errors.length + this.#defined.length + this.#results.length + this.#loopsEnded.length;
    if (size === 0 && !(withCounts && this.#loopIterations.size > 0)) return;
    // setup() and teardown() are short: their samples go out before their end is reported, so they
    // count in the results (as in k6) instead of waiting for a metrics interval that may never come.
    if (!this.#recordIterations && this.#ended.length > 0 && !withCounts) this.#send({ type: 'metrics', batch: this.#metrics.drain() });
    const loopIterations: number[] = [];
    for (const [key, count] of this.#loopIterations) loopIterations.push(Math.floor(key / 3), key % 3, count);
    this.#loopIterations.clear();
    this.#send({
      type: 'batch',
      ended: this.#ended,
      logs: this.#logs,
      errors: this.#errors,
      defined: this.#defined,
      results: this.#results,
      loopsEnded: this.#loopsEnded,
      loopIterations,
    });
    this.#results = [];
    this.#loopsEnded = [];
    this.#ended = [];
    this.#logs = [];
    this.#errors = [];
    this.#defined = [];
  }

  /** The last report: the rest of the batch, then the samples with 'stopped'. The protocols were counted and their VUs stopped. */
  stop(): void {
    this.ship(true);
    this.#stopped = true;
    this.#timers.clearInterval(this.#metricsTimer);
    this.#send({ type: 'stopped', batch: this.#metrics.drain() });
  }

  #shipMetrics(): void {
    if (this.#stopped) return;
    this.#protocols.countTraffic();
    this.ship(true);
    this.#send({ type: 'metrics', batch: this.#metrics.drain() });
  }
}
