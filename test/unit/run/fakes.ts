/**
 * A run without threads or real time, for the run's phase tests: a pool of scripted VUs on the fake
 * clock of the executor tests, a lifecycle VU whose setup()/teardown() take virtual time, timers on
 * that clock, an epoch that follows it, and an output that records what the run hands it.
 */
import type { ExitCodeValue } from '../../../src/errors.js';
import { memoryIo } from '../../../src/io.js';
import { sleepUnlessAborted, type Cancel, type Timers } from '../../../src/clock.js';
import { Metric } from '../../../src/metrics/builtin.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { SampleAggregator, type MetricBatch } from '../../../src/metrics/sink.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { OutputSet, type FinalResults, type Output, type OutputContext } from '../../../src/outputs/index.js';
import { parseThresholds } from '../../../src/thresholds/index.js';
import type { IterationResult, PlannedScenario, ScriptOptions, VirtualUser } from '../../../src/types.js';
import { ConsoleOutput } from '../../../src/run/console-output.js';
import type { RunContext, VuPool } from '../../../src/run/context.js';
import { TestStart, type RunEnvironment } from '../../../src/run/environment.js';
import { executeRun } from '../../../src/run/execute.js';
import type { CallOutcome, LifecycleFunction } from '../../../src/run/lifecycle.js';
import { Progress } from '../../../src/run/progress.js';
import { RunRecorder } from '../../../src/run/recorder.js';
import { StopController } from '../../../src/run/stop.js';
import { VuInitError } from '../../../src/run/worker-pool.js';
import { RUN_MEMORY_BYTES, RunMemory } from '../../../runtime/run-memory.js';
import { FakeClock, FakeVu, lasting, type IterationRecord, type IterationScript } from '../executors/fakes.js';

/** The epoch at the run's clock time 0. */
export const EPOCH_MS = Date.UTC(2024, 0, 1);

/** Timers that fire on the fake clock as it advances. */
export function fakeTimers(clock: FakeClock): Timers {
  const arm = (delayMs: number, fire: () => void, repeat: boolean): Cancel => {
    const cancelled = new AbortController();
    void (async () => {
      let atMs = clock.now() + delayMs;
      while (await sleepUnlessAborted(clock, atMs, cancelled.signal)) {
        fire();
        if (!repeat) return;
        atMs += delayMs;
      }
    })();
    return () => cancelled.abort();
  };
  return {
    every: (intervalMs, tick) => arm(intervalMs, tick, true),
    after: (delayMs, fire) => arm(delayMs, fire, false),
  };
}

/**
 * VUs that run `script` on the fake clock, one worker; each iteration that ends not interrupted
 * counts in `iterations`, as a worker's metrics would.
 */
export class FakePool implements VuPool {
  readonly size = 1;
  readonly iterations: IterationRecord[] = [];
  created: readonly number[] = [];
  setupJson: string | undefined;
  stops = 0;
  readonly #aggregator = new SampleAggregator();
  readonly #iterations = new MetricRegistry().get(Metric.iterations)!;

  constructor(
    private readonly clock: FakeClock,
    private readonly script: IterationScript,
    private readonly metrics: (batch: MetricBatch) => void,
    /** How VU creation goes: 'hangs' until the run gives up on it, or a VU whose init code throws. */
    private readonly init: 'ok' | 'hangs' | { readonly failingVu: number } = 'ok',
  ) {}

  createVus(ids: readonly number[]): Promise<void> {
    if (this.init === 'hangs') return new Promise(() => {});
    if (this.init !== 'ok') return Promise.reject(new VuInitError(this.init.failingVu, { message: 'init blew up', stack: '' }));
    this.created = ids;
    return Promise.resolve();
  }

  setupData(json: string): void {
    this.setupJson = json;
  }

  virtualUser(id: number): VirtualUser {
    const vu = new FakeVu(id, this.clock, this.script, this.iterations);
    return {
      id,
      runIteration: async (scenario: PlannedScenario, signal: AbortSignal): Promise<IterationResult> => {
        const result = await vu.runIteration(scenario, signal);
        if (result !== 'interrupted') {
          this.#aggregator.add(this.#iterations, 1, { scenario: scenario.name });
          this.metrics(this.#aggregator.drain());
        }
        return result;
      },
    };
  }

  stop(): Promise<MetricBatch[]> {
    this.stops++;
    return Promise.resolve([]);
  }
}

/** How a fake lifecycle function behaves: its outcome, after `durationMs` of virtual time (interrupted when the run's limit aborts first). */
export interface CallScript {
  readonly durationMs?: number;
  readonly outcome?: CallOutcome;
}

/** A failed call, as the lifecycle VU reports a script's exception. */
export function threw(message: string): CallOutcome {
  return { ok: false, error: { message, stack: '' } };
}

export class FakeLifecycle {
  readonly calls: { readonly name: LifecycleFunction; readonly data: string; readonly atMs: number }[] = [];
  stopped = false;

  constructor(
    private readonly clock: FakeClock,
    private readonly scripts: Partial<Record<LifecycleFunction, CallScript>>,
  ) {}

  async call(name: LifecycleFunction, data: string, signal?: AbortSignal): Promise<CallOutcome> {
    this.calls.push({ name, data, atMs: this.clock.now() });
    const { durationMs = 0, outcome = { ok: true, json: name === 'setup' ? '{"token":"t1"}' : 'null' } } = this.scripts[name] ?? {};
    const reached = signal === undefined ? true : await sleepUnlessAborted(this.clock, this.clock.now() + durationMs, signal);
    return reached ? outcome : { ok: false, error: null };
  }

  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

/** An output that keeps what the run hands it. */
export class RecordingOutput implements Output {
  readonly name = '--out record';
  context: OutputContext | undefined;
  readonly batches: MetricBatch[] = [];
  readonly finals: FinalResults[] = [];
  closed = false;

  constructor(private readonly failure: { readonly start?: Error; readonly stop?: Error } = {}) {}

  start(context: OutputContext): void {
    if (this.failure.start !== undefined) throw this.failure.start;
    this.context = context;
  }

  add(batch: MetricBatch): void {
    this.batches.push(batch);
  }

  stop(final: FinalResults): void {
    this.finals.push(final);
    if (this.failure.stop !== undefined) throw this.failure.stop;
  }

  close(): void {
    this.closed = true;
  }
}

export interface FakeRunOptions {
  readonly scenarios: readonly PlannedScenario[];
  /** The script's exported functions (default: only the default function). */
  readonly exports?: readonly string[];
  readonly options?: ScriptOptions;
  /** How long each iteration takes (default 1 s). */
  readonly iterations?: IterationScript;
  readonly lifecycle?: Partial<Record<LifecycleFunction, CallScript>>;
  readonly init?: 'ok' | 'hangs' | { readonly failingVu: number };
  readonly output?: RecordingOutput;
}

export interface FakeRun {
  readonly clock: FakeClock;
  readonly io: ReturnType<typeof memoryIo>;
  readonly pool: FakePool;
  readonly lifecycle: FakeLifecycle;
  readonly output: RecordingOutput;
  readonly context: RunContext;
  /** Starts the run without moving time. */
  start(): Running;
}

export interface Running {
  /** Moves time on, a second at a time, until the run ends; resolves with its exit code. */
  finish(): Promise<ExitCodeValue>;
  /** The final results the outputs were handed. */
  readonly final: () => FinalResults;
}

/** The longest a fake run may take before finish() gives up on it. */
const RUN_LIMIT_MS = 10 * 60_000;

export function fakeRun(options: FakeRunOptions): FakeRun {
  const clock = new FakeClock();
  const io = memoryIo();
  const env: RunEnvironment = { clock, timers: fakeTimers(clock), epochMs: () => EPOCH_MS + clock.now() };
  const registry = new MetricRegistry();
  const scriptOptions = options.options ?? {};
  const recorder = new RunRecorder(new MetricStore(registry), registry, 1000, [], env.epochMs);
  const output = options.output ?? new RecordingOutput();
  const outputs = new OutputSet([output]);
  recorder.forward((batch) => outputs.add(batch));
  const pool = new FakePool(clock, options.iterations ?? lasting(1000), (batch) => recorder.merge(batch), options.init);
  const lifecycle = new FakeLifecycle(clock, options.lifecycle ?? {});
  const context: RunContext = {
    io,
    env,
    settings: {
      scriptPath: 'test.js',
      quiet: true,
      color: false,
      thresholds: parseThresholds(scriptOptions.thresholds, (name) => registry.get(name), registry.names()),
      trendStats: ['avg', 'p(95)'],
    },
    stop: new StopController(io),
    start: new TestStart(clock),
    pool,
    script: {
      lifecycle,
      exports: { functions: ['default', ...(options.exports ?? [])], options: scriptOptions },
      options: scriptOptions,
      scenarios: [...options.scenarios],
      output: new ConsoleOutput(io.stderr, (stack) => stack, 'compartment'),
    },
    recorder,
    progress: new Progress(io.stderr, options.scenarios, clock, true),
    outputs,
    shared: new RunMemory(new SharedArrayBuffer(RUN_MEMORY_BYTES)),
  };
  return {
    clock,
    io,
    pool,
    lifecycle,
    output,
    context,
    start() {
      let exitCode: ExitCodeValue | undefined;
      const running = executeRun(context).then((code) => (exitCode = code));
      return {
        async finish() {
          while (exitCode === undefined) {
            if (clock.now() >= RUN_LIMIT_MS) throw new Error(`the run did not end within ${RUN_LIMIT_MS} ms of virtual time`);
            await clock.advance(clock.now() + 1000);
          }
          return running;
        },
        final() {
          const final = output.finals[0];
          if (final === undefined) throw new Error('the outputs were not stopped with final results');
          return final;
        },
      };
    },
  };
}
