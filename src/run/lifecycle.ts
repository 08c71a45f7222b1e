/**
 * The coordinator's own VU (id 0, as in k6): it runs the script's init code first to learn its
 * options and exports, then `setup()`, `teardown(data)` and `handleSummary(data)`. It is a VuHost in
 * a worker thread, like the VUs in the pool's workers, so the main thread stays free to take signals
 * while a lifecycle function runs (an endless loop in setup() blocks its thread until
 * --call-timeout). The pool's first worker is a second VuHost on the same thread (shareThread).
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { ownThread, WORKER_ENTRY, type ThreadFor, type WorkerChannel } from './worker-pool.js';
import { startThread } from '../threads.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import { IterationStatus, type FromWorker, type ToThread, type ToWorker, type WorkerError, type WorkerLog, type WorkerSetup } from '../worker/messages.js';
import type { MetricBatch } from '../metrics/sink.js';
import type { MetricDefinition } from '../types.js';
import { DEFAULT_NETWORK, type NetworkOptions } from '../options/network.js';

export const LIFECYCLE_FUNCTIONS = ['setup', 'teardown', 'handleSummary'] as const;
export type LifecycleFunction = (typeof LIFECYCLE_FUNCTIONS)[number];
const LIFECYCLE_VU = 0;
/**
 * How long an interrupted call may take to end. A call stuck in a crossing takes the interrupt only
 * when --call-timeout ends the crossing: after this the caller goes on without it.
 */
const INTERRUPT_WAIT_MS = 1_000;
/** How long stop() waits for the thread to exit. */
const STOP_WAIT_MS = 5_000;

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

/** `aborted`: the function called exec.test.abort(), whose error `error` is. */
export type CallOutcome = { readonly ok: true; readonly json: string } | { readonly ok: false; readonly error: ScriptErrorInfo | null; readonly aborted?: boolean };

/** The script's init code threw (or ran away, or called exec.test.abort(): `aborted`) in the lifecycle VU. */
export class InitError extends Error {
  override readonly name = 'InitError';
  constructor(
    readonly error: ScriptErrorInfo,
    readonly aborted = false,
  ) {
    super(error.message);
  }
}

interface Call {
  readonly name: LifecycleFunction;
  readonly token: number;
  readonly resolve: (outcome: CallOutcome) => void;
  error: ScriptErrorInfo | null;
  json: string;
  /** The function called exec.test.abort(). */
  aborted: boolean;
}

/**
 * Where the pool's workers run: the first on the lifecycle VU's thread, which idles while the
 * scenarios run, the others (and the first, once that thread is gone) on threads of their own.
 */
export function firstOnThreadOf(lifecycle: LifecycleVu, own: ThreadFor = ownThread()): ThreadFor {
  return (setup) => (setup.workerIndex === 0 ? lifecycle.shareThread(setup) : undefined) ?? own(setup);
}

export class LifecycleVu {
  readonly #worker: Worker;
  readonly #events: LifecycleEvents;
  #token = 0;
  /** The call the thread runs; it stays here after its caller gave up on it, until it ends. */
  #running: Call | undefined;
  #created: { resolve: (exports: ScriptExports) => void; reject: (error: Error) => void } | undefined;
  #stopped: Promise<void> | undefined;
  /** Why the thread died, once it did. */
  #crash: Error | undefined;
  #exited = false;

  constructor(setup: Omit<WorkerSetup, 'workerIndex' | 'scenarios' | 'recordIterations' | 'network'>, events: LifecycleEvents) {
    this.#events = events;
    const scenarios = LIFECYCLE_FUNCTIONS.map((name) => ({ name, exec: name, tags: { scenario: name } }));
    const workerData: WorkerSetup = { ...setup, workerIndex: -1, scenarios, recordIterations: false, network: DEFAULT_NETWORK };
    this.#worker = startThread(WORKER_ENTRY, { workerData });
    this.#worker.on('message', (message: FromWorker) => this.#receive(message));
    this.#worker.on('error', (error) => this.#crashed(error));
    this.#worker.on('exit', (code) => {
      this.#exited = true;
      if (this.#stopped === undefined) this.#crashed(new Error(`the lifecycle VU's thread exited unexpectedly with code ${code}`));
    });
  }

  /** The script's network options, for setup() and teardown(). */
  network(options: NetworkOptions): void {
    this.#post({ type: 'network', options });
  }

  /** What wsk/execution tells of the test (a TestInfo as JSON), for setup() and teardown(). */
  testInfo(json: string): void {
    this.#post({ type: 'testInfo', json });
  }

  /**
   * A channel to a VuHost for `setup` on this VU's thread, so the pool's first worker costs no thread
   * of its own (a thread's start-up is most of a short test's CPU). Undefined once the thread is gone.
   * The thread then ends when both hosts have stopped.
   */
  shareThread(setup: WorkerSetup): WorkerChannel | undefined {
    if (this.#exited || this.#crash !== undefined || this.#stopped !== undefined) return undefined;
    const { port1, port2 } = new MessageChannel();
    this.#worker.postMessage({ type: 'host', setup, port: port2 } satisfies ToThread, [port2]);
    return { thread: this.#worker, port: port1, stuck: () => this.#running !== undefined };
  }

  /** Runs the init code once; rejects with InitError if it throws. */
  init(): Promise<ScriptExports> {
    return new Promise((resolve, reject) => {
      if (this.#crash !== undefined) return reject(this.#crash);
      this.#created = { resolve, reject };
      this.#post({ type: 'createVus', ids: [LIFECYCLE_VU] });
    });
  }

  /**
   * Calls a lifecycle function with `dataJson` as its argument; resolves with its return value as
   * JSON. Once `signal` aborts, it resolves within INTERRUPT_WAIT_MS (not ok, no error: interrupted).
   * While an earlier call is still stuck in the thread, it resolves at once, not ok.
   */
  call(name: LifecycleFunction, dataJson: string, signal?: AbortSignal): Promise<CallOutcome> {
    const busy = this.#unavailable();
    if (busy !== undefined) return Promise.resolve({ ok: false, error: { message: busy, stack: '' } });
    const token = ++this.#token;
    this.#post({ type: 'setupData', json: dataJson });
    this.#post({ type: 'run', items: [LIFECYCLE_VU, token, LIFECYCLE_FUNCTIONS.indexOf(name), 0] });
    return new Promise((resolve) => {
      const call: Call = { name, token, resolve, error: null, json: '', aborted: false };
      this.#running = call;
      const interrupt = (): void => {
        if (this.#running !== call) return;
        this.#post({ type: 'interrupt', items: [LIFECYCLE_VU, token] });
        setTimeout(() => resolve({ ok: false, error: null }), INTERRUPT_WAIT_MS).unref();
      };
      if (signal?.aborted === true) interrupt();
      else signal?.addEventListener('abort', interrupt, { once: true });
    });
  }

  /**
   * Ends the thread; resolves once it has exited, or after STOP_WAIT_MS. A thread stuck in a call
   * cannot stop before --call-timeout ends the call: then stop() resolves at once, and the thread
   * ends when it can, or with the process, which does not wait for it (io.ts, exitWhenIdle).
   */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      if (this.#exited) return resolve();
      this.#worker.once('exit', () => resolve());
      this.#post({ type: 'stop' });
      if (this.#running !== undefined) resolve();
      else setTimeout(resolve, STOP_WAIT_MS).unref();
    });
    return this.#stopped;
  }

  /** Why a call cannot run now, if it cannot. */
  #unavailable(): string | undefined {
    if (this.#crash !== undefined) return this.#crash.message;
    if (this.#running !== undefined) {
      return `cannot run while ${this.#running.name}() is still stuck in the lifecycle VU (an endless loop? --call-timeout ends it)`;
    }
    return undefined;
  }

  #post(message: ToWorker): void {
    if (!this.#exited) this.#worker.postMessage(message);
  }

  /** The thread died (a wsk bug): whatever waits on it fails with the reason. */
  #crashed(error: Error): void {
    this.#crash ??= new Error(`the lifecycle VU's thread failed: ${error.message}`, { cause: error });
    const crash = this.#crash;
    this.#created?.reject(crash);
    this.#created = undefined;
    this.#running?.resolve({ ok: false, error: { message: crash.message, stack: error.stack ?? '' } });
    this.#running = undefined;
  }

  #receive(message: FromWorker): void {
    switch (message.type) {
      case 'vusCreated': {
        const created = this.#created;
        this.#created = undefined;
        if (created === undefined) return;
        if (message.error !== null) return created.reject(new InitError(message.error.error, message.error.aborted === true));
        const options = message.exports?.options ?? '';
        created.resolve({ functions: message.exports?.functions ?? [], options: options === '' ? undefined : JSON.parse(options) });
        return;
      }
      case 'metrics':
      case 'stopped':
        this.#events.metrics(message.batch);
        return;
      case 'aborted':
        // Its iteration ends next, interrupted: the call resolves then, as aborted.
        if (this.#running !== undefined) {
          this.#running.error = message.error;
          this.#running.aborted = true;
        }
        return;
      case 'batch': {
        if (message.defined.length > 0) this.#events.defined(message.defined);
        if (message.logs.length > 0) this.#events.logs(message.logs);
        const running = this.#running;
        const errors = message.errors.filter((e) => {
          if (running !== undefined && e.vu === LIFECYCLE_VU && e.kind !== 'abandoned' && !running.aborted) running.error = e.error;
          return e.kind !== 'iteration';
        });
        if (errors.length > 0) this.#events.errors(errors);
        for (const result of message.results) if (result.token === running?.token) running.json = result.json;
        for (let i = 0; i + 2 < message.ended.length; i += 3) {
          if (running === undefined || message.ended[i + 1] !== running.token) continue;
          this.#running = undefined;
          const completed = message.ended[i + 2] === IterationStatus.completed;
          running.resolve(completed ? { ok: true, json: running.json } : { ok: false, error: running.error, aborted: running.aborted });
        }
        return;
      }
      default: {
        const never: never = message;
        throw new Error(`unexpected message from the lifecycle VU's thread: ${JSON.stringify(never)}`);
      }
    }
  }
}
