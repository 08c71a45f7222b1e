/**
 * The coordinator's view of the workers: starts them, places VUs on them, and gives executors
 * `VirtualUser` handles whose iterations run remotely. Commands and results are batched per
 * event-loop turn, one postMessage per worker per turn at most.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { startThread, threadEntry } from '../threads.js';
import { onNextTurn } from '../next-turn.js';
import type { IterationResult, LoopLimits, LoopResult, PlannedScenario, VirtualUser } from '../types.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import type { MetricBatch } from '../metrics/sink.js';
import { IterationStatus, type FromWorker, type ToWorker, type WorkerError, type WorkerLog, type WorkerSetup } from '../worker/messages.js';
import type { MetricDefinition } from '../types.js';
import type { VuPool } from './context.js';

export interface PoolEvents {
  metrics(batch: MetricBatch): void;
  logs(logs: readonly WorkerLog[]): void;
  errors(errors: readonly WorkerError[]): void;
  defined(definitions: readonly MetricDefinition[]): void;
  /** A worker died: the run cannot go on as planned. */
  crashed(error: Error): void;
  /** A VU called exec.test.abort() in an iteration. */
  aborted(error: ScriptErrorInfo): void;
  /** An iteration of the scenario with this index ended. */
  iterationEnded(scenario: number, result: IterationResult, count?: number): void;
}

const STATUS: Record<number, IterationResult> = {
  [IterationStatus.completed]: 'completed',
  [IterationStatus.failed]: 'failed',
  [IterationStatus.interrupted]: 'interrupted',
};

/** How long stop() waits for a worker to exit. */
const STOP_WAIT_MS = 5_000;

interface Waiting {
  readonly token: number;
  readonly scenario: number;
  readonly resolve: (result: IterationResult) => void;
}

/** A loop a VU runs on its worker, until the worker reports its end, the worker dies or the pool stops. */
interface Looping {
  readonly token: number;
  readonly vu: PooledVu;
  readonly scenario: string;
  /** The VU's iterations of the scenario before this loop. */
  readonly first: number;
  readonly resolve: (result: LoopResult) => void;
}

/** Settles a loop, counting its iterations as the VU's. */
function endLoop(looping: Looping, result: LoopResult): void {
  looping.vu.setIterations(looping.scenario, looping.first + result.completed + result.failed + result.interrupted);
  looping.resolve(result);
}

/** How the pool runs what its VUs' handles are asked for: made once per pool, shared by every handle. */
interface VuRuns {
  loop(vu: PooledVu, scenario: PlannedScenario, limits: LoopLimits, signal: AbortSignal): Promise<LoopResult>;
  iteration(vu: PooledVu, scenario: PlannedScenario, signal: AbortSignal): Promise<IterationResult>;
}

/** The executors' handle on VU `id` (WorkerPool.virtualUser): what it runs goes to the worker `link` leads to. */
class PooledVu implements VirtualUser {
  // Iterations started through this handle, by scenario: a VU serves one scenario, so a Map (300
  // bytes a VU on the coordinator) is made only for a second.
  #scenario: string | undefined;
  #iterations = 0;
  #others: Map<string, number> | undefined;

  constructor(
    readonly id: number,
    readonly link: WorkerLink,
    private readonly runs: VuRuns,
  ) {}

  runLoop(scenario: PlannedScenario, limits: LoopLimits, signal: AbortSignal): Promise<LoopResult> {
    return this.runs.loop(this, scenario, limits, signal);
  }

  runIteration(scenario: PlannedScenario, signal: AbortSignal): Promise<IterationResult> {
    return this.runs.iteration(this, scenario, signal);
  }

  /** Iterations of `scenario` (by name) started through this handle. */
  iterationsOf(scenario: string): number {
    return scenario === this.#scenario ? this.#iterations : (this.#others?.get(scenario) ?? 0);
  }

  setIterations(scenario: string, count: number): void {
    this.#scenario ??= scenario;
    if (scenario === this.#scenario) this.#iterations = count;
    else (this.#others ??= new Map()).set(scenario, count);
  }
}

/** The worker thread's module: always the built one, also when this module runs from TypeScript sources (vitest). */
export const WORKER_ENTRY = threadEntry('worker');

/**
 * Where a worker's VuHost runs: `port` is the thread itself when the thread is its own, or a port
 * onto a thread it shares (the lifecycle VU's, LifecycleVu.shareThread()).
 */
export interface WorkerChannel {
  readonly thread: Worker;
  readonly port: Worker | MessagePort;
  /** The shared thread is stuck in its owner's call (an endless loop in setup()): the host cannot take 'stop' now. */
  readonly stuck?: () => boolean;
}

/** Makes the channel of worker `setup.workerIndex`. */
export type ThreadFor = (setup: WorkerSetup) => WorkerChannel;

/** A thread of its own running `entry` (wsk's worker unless a test hands in another). */
export function ownThread(entry: URL = WORKER_ENTRY): ThreadFor {
  return (setup) => {
    const thread = startThread(entry, { workerData: setup });
    return { thread, port: thread };
  };
}

class WorkerLink {
  readonly #channel: WorkerChannel;
  #runs: number[] = [];
  #loops: number[] = [];
  #interrupts: number[] = [];
  #stopped: Promise<void> | undefined;
  onCreated: ((message: Extract<FromWorker, { type: 'vusCreated' }>) => void) | undefined;
  onStopped: ((batch: MetricBatch) => void) | undefined;
  /** Its VuHost is gone: the thread exited, or the host stopped and closed its port. */
  exited = false;

  constructor(channel: WorkerChannel, workerIndex: number, onMessage: (link: WorkerLink, message: FromWorker) => void, onCrash: (link: WorkerLink, error: Error) => void) {
    this.#channel = channel;
    channel.port.on('message', (message: FromWorker) => onMessage(this, message));
    // An uncaught error ends the thread: 'exit' follows, and reports it with this error.
    let failure: Error | undefined;
    channel.thread.on('error', (error) => {
      failure = error;
    });
    channel.thread.on('exit', (code) => {
      if (this.exited) return;
      this.exited = true;
      if (this.#stopped !== undefined) return;
      const error = failure ?? new Error(`exited unexpectedly with code ${code}`);
      error.message = `worker ${workerIndex}: ${error.message}`;
      onCrash(this, error);
    });
    if (channel.port !== channel.thread) {
      channel.port.on('close', () => {
        this.exited = true;
      });
    }
  }

  post(message: ToWorker): void {
    if (!this.exited) this.#channel.port.postMessage(message);
  }

  queueRun(vu: number, token: number, scenario: number, iteration: number): void {
    this.#runs.push(vu, token, scenario, iteration);
    this.#schedule();
  }

  queueLoop(vu: number, token: number, scenario: number, first: number, max: number, untilEpochMs: number): void {
    this.#loops.push(vu, token, scenario, first, max, untilEpochMs);
    this.#schedule();
  }

  queueInterrupt(vu: number, token: number): void {
    this.#interrupts.push(vu, token);
    this.#schedule();
  }

  readonly #schedule = onNextTurn(() => {
    if (this.#runs.length > 0) this.post({ type: 'run', items: this.#runs });
    if (this.#loops.length > 0) this.post({ type: 'loop', items: this.#loops });
    if (this.#interrupts.length > 0) this.post({ type: 'interrupt', items: this.#interrupts });
    this.#runs = [];
    this.#loops = [];
    this.#interrupts = [];
  });

  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const { thread, port } = this.#channel;
      thread.once('exit', () => resolve());
      // A shared thread goes on: its host is done when it closes its port.
      if (port !== thread) port.once('close', () => resolve());
      this.post({ type: 'stop' });
      if (this.#channel.stuck?.() === true) resolve();
      // A worker stuck in a crossing takes 'stop' only when --call-timeout ends the crossing, and
      // terminate() cannot cut that short (when the crossing ends, isolated-vm aborts the process).
      // So the run goes on without its last metrics; the process ends without it (io.ts, exitWhenIdle).
      setTimeout(resolve, STOP_WAIT_MS).unref();
    });
    return this.#stopped;
  }
}

export class WorkerPool implements VuPool {
  readonly #links: WorkerLink[] = [];
  readonly #owner = new Map<number, WorkerLink>();
  readonly #waiting = new Map<number, Waiting>();
  readonly #looping = new Map<number, Looping>();
  readonly #scenarioIndex: Map<string, number>;
  readonly #events: PoolEvents;
  /** The VUs each signal interrupts, and the signal each VU listens to (see #listen). */
  readonly #interruptible = new WeakMap<AbortSignal, Set<number>>();
  readonly #signalOf = new Map<number, AbortSignal>();
  #tokens = 0;

  /** `threadFor` says where each worker runs: by default, each in a thread of its own. */
  constructor(count: number, setup: Omit<WorkerSetup, 'workerIndex'>, scenarios: readonly PlannedScenario[], events: PoolEvents, threadFor: ThreadFor = ownThread()) {
    this.#events = events;
    this.#scenarioIndex = new Map(scenarios.map((s, i) => [s.name, i]));
    for (let i = 0; i < count; i++) {
      const channel = threadFor({ ...setup, workerIndex: i });
      this.#links.push(new WorkerLink(channel, i, (link, message) => this.#receive(link, message), (link, error) => this.#crashed(link, error)));
    }
  }

  get size(): number {
    return this.#links.length;
  }

  /**
   * Initialises VUs `ids` spread across the workers; resolves when all ran their init code, or
   * rejects with the first init error (the VU id and the error as the sandbox reported it).
   */
  async createVus(ids: readonly number[]): Promise<void> {
    const shares: number[][] = this.#links.map(() => []);
    ids.forEach((id, i) => {
      const index = i % this.#links.length;
      shares[index]!.push(id);
      this.#owner.set(id, this.#links[index]!);
    });
    await Promise.all(
      this.#links.map(
        (link, i) =>
          new Promise<void>((resolve, reject) => {
            const share = shares[i]!;
            if (share.length === 0) return resolve();
            link.onCreated = ({ error }) => {
              link.onCreated = undefined;
              if (error === null) resolve();
              else if (link.exited) reject(new Error(error.error.message));
              else reject(new VuInitError(error.vu, error.error, error.aborted === true));
            };
            link.post({ type: 'createVus', ids: share });
          }),
      ),
    );
  }

  setupData(json: string): void {
    for (const link of this.#links) link.post({ type: 'setupData', json });
  }

  /** A handle on VU `id` for the executors; its count of iterations starts at 0. */
  virtualUser(id: number): VirtualUser {
    const link = this.#owner.get(id);
    if (link === undefined) throw new Error(`VU ${id} was not created`);
    return new PooledVu(id, link, this.#runs);
  }

  readonly #runs: VuRuns = {
    loop: (vu, scenario, limits, signal) => {
      const none: LoopResult = { completed: 0, failed: 0, interrupted: 0 };
      if (signal.aborted || vu.link.exited) return Promise.resolve(none);
      const token = ++this.#tokens;
      const first = vu.iterationsOf(scenario.name);
      this.#listen(vu.id, signal);
      vu.link.queueLoop(vu.id, token, this.#scenarioIndex.get(scenario.name) ?? 0, first, limits.maxIterations, limits.untilEpochMs);
      return new Promise<LoopResult>((resolve) => {
        this.#looping.set(vu.id, { token, vu, scenario: scenario.name, first, resolve });
      });
    },
    iteration: (vu, scenario, signal) => {
      // A dead worker runs nothing more: its VUs' iterations end at once instead of never.
      if (signal.aborted || vu.link.exited) return Promise.resolve('interrupted');
      const token = ++this.#tokens;
      const iteration = vu.iterationsOf(scenario.name);
      vu.setIterations(scenario.name, iteration + 1);
      this.#listen(vu.id, signal);
      const index = this.#scenarioIndex.get(scenario.name) ?? 0;
      vu.link.queueRun(vu.id, token, index, iteration);
      return new Promise<IterationResult>((resolve) => {
        this.#waiting.set(vu.id, { token, scenario: index, resolve });
      });
    },
  };

  /**
   * Interrupts VU `id`'s next iteration or loop when `signal` aborts. Executors hand many VUs one
   * signal, and a VU the same one run after run: a signal gets one listener, however many VUs it
   * interrupts, and a VU listens to the signal of its latest iteration or loop only.
   */
  #listen(id: number, signal: AbortSignal): void {
    const previous = this.#signalOf.get(id);
    if (previous === signal) return;
    if (previous !== undefined) this.#interruptible.get(previous)?.delete(id);
    this.#signalOf.set(id, signal);
    let ids = this.#interruptible.get(signal);
    if (ids === undefined) {
      const listening = new Set<number>();
      this.#interruptible.set(signal, listening);
      signal.addEventListener('abort', () => {
        for (const vu of listening) this.#interrupt(vu);
      }, { once: true });
      ids = listening;
    }
    ids.add(id);
  }

  /** Interrupts what VU `id` runs now: its iteration or its loop. */
  #interrupt(id: number): void {
    const token = this.#waiting.get(id)?.token ?? this.#looping.get(id)?.token;
    if (token !== undefined) this.#owner.get(id)?.queueInterrupt(id, token);
  }

  /** Stops every worker; resolves with their last metric batches once they have exited. */
  async stop(): Promise<MetricBatch[]> {
    const batches: MetricBatch[] = [];
    for (const link of this.#links) link.onStopped = (batch) => batches.push(batch);
    await Promise.all(this.#links.map((link) => link.stop()));
    // Whatever iterations were still awaited will never end now.
    for (const [id, waiting] of this.#waiting) {
      this.#waiting.delete(id);
      waiting.resolve('interrupted');
    }
    for (const [id, looping] of this.#looping) {
      this.#looping.delete(id);
      endLoop(looping, { completed: 0, failed: 0, interrupted: 1 });
    }
    return batches;
  }

  #receive(link: WorkerLink, message: FromWorker): void {
    switch (message.type) {
      case 'vusCreated':
        link.onCreated?.(message);
        return;
      case 'batch':
        if (message.defined.length > 0) this.#events.defined(message.defined);
        if (message.errors.length > 0) this.#events.errors(message.errors);
        if (message.logs.length > 0) this.#events.logs(message.logs);
        for (let i = 0; i + 2 < message.ended.length; i += 3) {
          this.#ended(message.ended[i]!, message.ended[i + 1]!, message.ended[i + 2]!);
        }
        for (let i = 0; i + 2 < message.loopIterations.length; i += 3) {
          this.#events.iterationEnded(message.loopIterations[i]!, STATUS[message.loopIterations[i + 1]!] ?? 'failed', message.loopIterations[i + 2]!);
        }
        for (let i = 0; i + 4 < message.loopsEnded.length; i += 5) {
          const [vu, token, completed, failed, interrupted] = message.loopsEnded.slice(i, i + 5) as [number, number, number, number, number];
          const looping = this.#looping.get(vu);
          if (looping === undefined || looping.token !== token) continue;
          this.#looping.delete(vu);
          endLoop(looping, { completed, failed, interrupted });
        }
        return;
      case 'aborted':
        this.#events.aborted(message.error);
        return;
      case 'metrics':
        this.#events.metrics(message.batch);
        return;
      case 'stopped':
        link.onStopped?.(message.batch);
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unexpected message from a worker: ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * A worker died: whatever it was running will never report, so its VUs' iterations and loops end
   * as interrupted now (and VU creation on it fails), and the run is told to stop.
   */
  #crashed(link: WorkerLink, error: Error): void {
    link.onCreated?.({ type: 'vusCreated', count: 0, error: { vu: 0, error: { message: error.message, stack: error.stack ?? '' } }, exports: null });
    for (const [id, waiting] of this.#waiting) {
      if (this.#owner.get(id) !== link) continue;
      this.#waiting.delete(id);
      this.#events.iterationEnded(waiting.scenario, 'interrupted');
      waiting.resolve('interrupted');
    }
    for (const [id, looping] of this.#looping) {
      if (this.#owner.get(id) !== link) continue;
      this.#looping.delete(id);
      endLoop(looping, { completed: 0, failed: 0, interrupted: 1 });
    }
    this.#events.crashed(error);
  }

  #ended(vu: number, token: number, status: number): void {
    const waiting = this.#waiting.get(vu);
    if (waiting === undefined || waiting.token !== token) return;
    this.#waiting.delete(vu);
    const result = STATUS[status] ?? 'failed';
    this.#events.iterationEnded(waiting.scenario, result);
    waiting.resolve(result);
  }
}

/** A VU's init code threw, or called exec.test.abort() (`aborted`). */
export class VuInitError extends Error {
  override readonly name = 'VuInitError';
  constructor(
    readonly vu: number,
    readonly error: ScriptErrorInfo,
    readonly aborted = false,
  ) {
    super(error.message);
  }
}
