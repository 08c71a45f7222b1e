/**
 * The coordinator's own VU (id 0, as in k6): it runs the script's init code first to learn its
 * options and exports, then `setup()`, `teardown(data)` and `handleSummary(data)`. It lives in a
 * VuHost on the main thread, so it shares every code path with the VUs in the workers.
 */
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import { VuHost } from '../worker/vu-host.js';
import { IterationStatus, type FromWorker, type WorkerError, type WorkerLog, type WorkerSetup } from '../worker/messages.js';
import type { MetricBatch } from '../metrics/sink.js';
import type { MetricDefinition } from '../types.js';
import { DEFAULT_NETWORK, type NetworkOptions } from '../options/network.js';

export const LIFECYCLE_FUNCTIONS = ['setup', 'teardown', 'handleSummary'] as const;
export type LifecycleFunction = (typeof LIFECYCLE_FUNCTIONS)[number];
const LIFECYCLE_VU = 0;

export interface ScriptExports {
  readonly functions: readonly string[];
  /** The `options` export as plain data (undefined when the script has none). */
  readonly options: unknown;
}

export interface LifecycleEvents {
  logs(logs: readonly WorkerLog[]): void;
  errors(errors: readonly WorkerError[]): void;
  defined(definitions: readonly MetricDefinition[]): void;
  metrics(batch: MetricBatch): void;
}

export type CallOutcome = { readonly ok: true; readonly json: string } | { readonly ok: false; readonly error: ScriptErrorInfo | null };

/** The script's init code threw (or ran away) in the lifecycle VU. */
export class InitError extends Error {
  override readonly name = 'InitError';
  constructor(readonly error: ScriptErrorInfo) {
    super(error.message);
  }
}

export class LifecycleVu {
  readonly #host: VuHost;
  readonly #events: LifecycleEvents;
  #token = 0;
  #waiting: { token: number; resolve: (outcome: CallOutcome) => void; error: ScriptErrorInfo | null; json: string } | undefined;
  #created: ((message: Extract<FromWorker, { type: 'vusCreated' }>) => void) | undefined;
  #stopped: ((batch: MetricBatch) => void) | undefined;

  constructor(setup: Omit<WorkerSetup, 'workerIndex' | 'scenarios' | 'recordIterations' | 'network'>, events: LifecycleEvents) {
    this.#events = events;
    const scenarios = LIFECYCLE_FUNCTIONS.map((name) => ({ name, exec: name, tags: { scenario: name } }));
    this.#host = new VuHost({ ...setup, workerIndex: -1, scenarios, recordIterations: false, network: DEFAULT_NETWORK }, (message) =>
      this.#receive(message),
    );
  }

  /** The script's network options, for setup() and teardown(). */
  network(options: NetworkOptions): void {
    this.#host.receive({ type: 'network', options });
  }

  /** Runs the init code once; rejects with InitError if it throws. */
  init(): Promise<ScriptExports> {
    return new Promise((resolve, reject) => {
      this.#created = (message) => {
        if (message.error !== null) return reject(new InitError(message.error.error));
        const options = message.exports?.options ?? '';
        resolve({ functions: message.exports?.functions ?? [], options: options === '' ? undefined : JSON.parse(options) });
      };
      this.#host.receive({ type: 'createVus', ids: [LIFECYCLE_VU] });
    });
  }

  /** Calls a lifecycle function with `dataJson` as its argument; resolves with its return value as JSON. */
  call(name: LifecycleFunction, dataJson: string, signal?: AbortSignal): Promise<CallOutcome> {
    const token = ++this.#token;
    this.#host.receive({ type: 'setupData', json: dataJson });
    this.#host.receive({ type: 'run', items: [LIFECYCLE_VU, token, LIFECYCLE_FUNCTIONS.indexOf(name), 0] });
    return new Promise((resolve) => {
      this.#waiting = { token, resolve, error: null, json: '' };
      signal?.addEventListener('abort', () => this.#host.receive({ type: 'interrupt', items: [LIFECYCLE_VU, token] }), { once: true });
    });
  }

  stop(): Promise<MetricBatch> {
    return new Promise((resolve) => {
      this.#stopped = resolve;
      this.#host.receive({ type: 'stop' });
    });
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'vusCreated':
        this.#created?.(message);
        return;
      case 'metrics':
        this.#events.metrics(message.batch);
        return;
      case 'stopped':
        this.#events.metrics(message.batch);
        this.#stopped?.(message.batch);
        return;
      case 'batch': {
        if (message.defined.length > 0) this.#events.defined(message.defined);
        if (message.logs.length > 0) this.#events.logs(message.logs);
        const waiting = this.#waiting;
        const errors = message.errors.filter((e) => {
          if (waiting !== undefined && e.vu === LIFECYCLE_VU && e.kind !== 'abandoned') waiting.error = e.error;
          return e.kind !== 'iteration';
        });
        if (errors.length > 0) this.#events.errors(errors);
        for (const result of message.results) if (result.token === waiting?.token) waiting.json = result.json;
        for (let i = 0; i + 2 < message.ended.length; i += 3) {
          if (waiting === undefined || message.ended[i + 1] !== waiting.token) continue;
          this.#waiting = undefined;
          const completed = message.ended[i + 2] === IterationStatus.completed;
          waiting.resolve(completed ? { ok: true, json: waiting.json } : { ok: false, error: waiting.error });
        }
        return;
      }
    }
  }
}
