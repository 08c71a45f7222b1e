/**
 * `wsk run`: one test from script to exit code. Bundles the script, learns its options from the
 * lifecycle VU, plans the scenarios, starts the workers and their VUs, runs setup, the executors and
 * teardown, and hands the results to the outputs. A run that is stopped (signal, abortOnFail, a
 * crashed worker) still tears down, prints its summary and writes its files.
 */
import os from 'node:os';
import path from 'node:path';
import { ExitCode, WskError, configError, quote, scriptError, type ExitCodeValue } from '../errors.js';
import type { Io, StopSignal } from '../io.js';
import type { MetricDefinition, PlannedScenario, ScriptOptions, Tags, VirtualUser } from '../types.js';
import { getExecutor } from '../executors/index.js';
import { maxVus } from '../executors/plan.js';
import { realClock } from '../clock.js';
import { parseDuration } from '../duration.js';
import { MetricRegistry } from '../metrics/registry.js';
import { MetricStore } from '../metrics/store.js';
import { Metric } from '../metrics/builtin.js';
import { DEFAULT_TREND_STATS, isTrendStat } from '../metrics/view.js';
import { evaluateThresholds, findAbortingThreshold, parseThresholds, type ThresholdOutcome, type ThresholdSpec } from '../thresholds/index.js';
import { initFailure, prepareScript, type PreparedScript, type ScriptRequest } from './prepare.js';
import { WorkerPool, VuInitError } from './worker-pool.js';
import { Progress } from './progress.js';
import { headline } from './headline.js';
import { checkWritable, runSummaryData } from './results.js';
import { RunRecorder } from './recorder.js';
import { wallClockMs } from '../metrics/series.js';
import { buildRunResults, RESULT_TREND_STATS, type RunResultsInput } from '../results/build.js';
import { checkOutputs, type OutputSpec } from '../results/outputs.js';
import { DEFAULT_BUCKET_MS } from '../results/buckets.js';
import type { RunResults } from '../results/types.js';
import { OutputSet, runOutputs } from '../outputs/index.js';
import { buildSummaryData, type SummaryData } from '../summary/data.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import { readNetworkOptions, type NetworkOptions } from '../options/network.js';
import { spawnTarget, type TargetKind } from '../serve/index.js';

export interface RunRequest extends ScriptRequest {
  readonly summaryExport?: string | undefined;
  readonly quiet: boolean;
  readonly color: boolean;
  /** Worker threads hosting VUs (default: one per core). */
  readonly workers?: number | undefined;
  /** A built-in target to start in its own process for the run; its URL becomes __ENV.WSK_TARGET. */
  readonly serve?: TargetKind | undefined;
  /** `--out` files (and endpoints), checked before the test starts and written at its end. */
  readonly outputs?: readonly OutputSpec[] | undefined;
  /** `--report`: the HTML report's path. */
  readonly report?: string | undefined;
  /** `--bucket`: the time series' bucket length. */
  readonly bucketMs?: number | undefined;
  /** `--dashboard`: where the live web page listens. */
  readonly dashboard?: { readonly host: string; readonly port: number } | undefined;
}

const THRESHOLD_EVAL_INTERVAL_MS = 2000;
const DEFAULT_LIFECYCLE_TIMEOUT = '60s';
const VUS_SAMPLE_INTERVAL_MS = 1000;

type StopReason = { kind: 'signal' } | { kind: 'threshold'; outcome: ThresholdOutcome } | { kind: 'crash'; error: Error };

export async function runTest(request: RunRequest, io: Io): Promise<ExitCodeValue> {
  if (request.serve === undefined) return runWithTarget(request, io);
  const target = await spawnTarget(request.serve, {});
  try {
    // An explicit WSK_TARGET (environment or -e) wins: the script then runs against that target.
    const explicit = request.env['WSK_TARGET'] ?? io.env['WSK_TARGET'];
    io.stderr.write(`started the ${request.serve} target at ${target.url}${explicit === undefined ? '' : ' (WSK_TARGET is set, so the script uses that)'}\n`);
    return await runWithTarget({ ...request, env: { WSK_TARGET: target.url, ...request.env } }, io);
  } finally {
    await target.stop();
  }
}

async function runWithTarget(request: RunRequest, io: Io): Promise<ExitCodeValue> {
  const registry = new MetricRegistry();
  // Past a metric's series limit the store folds further tag sets into one, and says so once.
  const store = new MetricStore(registry, { warn: (text) => io.stderr.write(`WARN ${text}\n`) });
  const define = (definitions: readonly MetricDefinition[]): void => {
    for (const d of definitions) registry.define(d.name, d.type, d.contains);
  };
  if (request.summaryExport !== undefined) checkWritable(request.summaryExport, io.cwd, '--summary-export');
  if (request.outputs !== undefined) checkOutputs(request.outputs, io.cwd);
  if (request.report !== undefined) checkWritable(request.report, io.cwd, '--report');
  const prepared = await prepareScript(request, io, { defined: define, metrics: (batch) => store.merge(batch) });
  let checked: RunOptions;
  try {
    checked = checkRunOptions(prepared.options, registry);
  } catch (error) {
    await prepared.lifecycle.stop();
    throw error;
  }
  prepared.lifecycle.network(checked.network);
  const recorder = new RunRecorder(store, registry, request.bucketMs ?? DEFAULT_BUCKET_MS, Object.keys(prepared.options.tags ?? {}));
  return new TestRun(request, io, prepared, recorder, define, checked).execute();
}

interface RunOptions {
  readonly thresholds: readonly ThresholdSpec[];
  readonly trendStats: readonly string[];
  readonly network: NetworkOptions;
}

/** Options only the run itself uses, checked before any VU starts. */
function checkRunOptions(options: ScriptOptions, registry: MetricRegistry): RunOptions {
  parseDuration(options.setupTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT, 'options.setupTimeout');
  parseDuration(options.teardownTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT, 'options.teardownTimeout');
  const stats: unknown = options.summaryTrendStats;
  if (stats !== undefined && (!Array.isArray(stats) || stats.length === 0 || !stats.every((s) => typeof s === 'string' && isTrendStat(s)))) {
    throw configError(
      'INVALID_OPTION',
      `options.summaryTrendStats: invalid value ${quote(stats)}; expected a list of avg, min, med, max, count or p(N), e.g. ["avg", "p(95)"]`,
    );
  }
  return {
    thresholds: parseThresholds(options.thresholds, (name) => registry.get(name), registry.names()),
    trendStats: (stats as string[] | undefined) ?? DEFAULT_TREND_STATS,
    network: readNetworkOptions(options),
  };
}

class TestRun {
  readonly #clock = realClock();
  readonly #stop = new AbortController();
  readonly #pool: WorkerPool;
  readonly #progress: Progress;
  readonly #totalVus: number;
  #stopReason: StopReason | undefined;
  #signals = 0;
  #writeFailures = 0;
  #setupJson = '';
  #startedAt = 0;
  private readonly store: MetricStore;
  readonly #outputs: OutputSet;
  /** The live outputs' last snapshot, and whether a failed rebuild was reported. */
  readonly #live: { last?: RunResults; failureReported?: boolean } = {};

  constructor(
    private readonly request: RunRequest,
    private readonly io: Io,
    private readonly script: PreparedScript,
    private readonly recorder: RunRecorder,
    define: (definitions: readonly MetricDefinition[]) => void,
    private readonly checked: RunOptions,
  ) {
    this.store = recorder.store;
    const { scenarios, sandboxSetup, output } = script;
    this.#outputs = new OutputSet(
      runOutputs({
        cwd: io.cwd,
        summary: { io, lifecycle: script.lifecycle, exports: script.exports, color: request.color, output },
        summaryExport: request.summaryExport,
        outputs: request.outputs,
        report: request.report,
        dashboard: request.dashboard,
      }),
    );
    recorder.forward((batch) => this.#outputs.add(batch));
    this.#progress = new Progress(io.stderr, scenarios, this.#clock, request.quiet, () => (this.#startedAt === 0 ? '' : headline(this.store, this.#clock.now() - this.#startedAt)));
    this.#totalVus = scenarios.reduce((sum, s) => sum + maxVus(s), 0);
    const workers = Math.max(1, Math.min(request.workers ?? os.availableParallelism(), this.#totalVus));
    const setup = {
      ...sandboxSetup,
      scenarioEnv: Object.fromEntries(scenarios.map((s) => [s.name, { ...s.env }])),
      scenarios: scenarios.map((s) => ({ name: s.name, exec: s.exec, tags: this.#scenarioTags(s) })),
      recordIterations: true,
      network: checked.network,
    };
    this.#pool = new WorkerPool(workers, setup, scenarios, {
      metrics: (batch) => recorder.merge(batch),
      logs: (logs) => output.logs(logs),
      errors: (errors) => output.errors(errors),
      defined: define,
      crashed: (error) => {
        io.stderr.write(`ERROR a worker thread failed: ${error.message}; stopping the test\n`);
        this.#requestStop({ kind: 'crash', error });
      },
      iterationEnded: (scenario, result, count) => this.#progress.iterationEnded(scenario, result, count),
    });
  }

  async execute(): Promise<ExitCodeValue> {
    // Signals stay handled through teardown and the summary, so a second one always exits at once.
    const offSignal = this.io.onSignal((signal) => this.#onSignal(signal));
    try {
      try {
        await this.#outputs.start({ io: this.io, live: { snapshot: () => this.#snapshot() } });
      } catch (error) {
        await this.#pool.stop();
        return this.#fail(error);
      }
      let exitCode = await this.#runScenarios();
      const durationMs = this.#clock.now() - this.#startedAt;
      // Teardown runs when the test was stopped too, as in k6 (not after an init or setup failure).
      if (exitCode === ExitCode.ok) exitCode = await this.#teardown();
      for (const batch of await this.#pool.stop()) this.recorder.merge(batch);
      const endMs = wallClockMs();
      const outcomes = evaluateThresholds(this.checked.thresholds, (metric, tags) => this.store.snapshot(metric, tags, durationMs));
      exitCode = this.#exitCode(exitCode, outcomes);
      const suppressed = this.script.output.suppressed();
      if (suppressed > 0) this.io.stderr.write(`(${suppressed} repeated error messages were not printed)\n`);
      const summary = runSummaryData({
        io: this.io,
        store: this.store,
        outcomes,
        trendStats: this.checked.trendStats,
        testDurationMs: durationMs,
        color: this.request.color,
      });
      const results = this.#results(summary, outcomes, endMs, exitCode, this.#stoppedBy(), (metric, tags) => this.store.encodedTrend(metric, tags));
      this.#writeFailures += await this.#outputs.stop({ summary, results }, this.io);
      // Files that could not be written fail a run that otherwise passed: CI must not read it as green.
      return exitCode === ExitCode.ok && this.#writeFailures > 0 ? ExitCode.outputFailed : exitCode;
    } finally {
      offSignal();
      await this.#outputs.close();
      await this.script.lifecycle.stop();
      this.recorder.dispose();
    }
  }

  /** The results so far, for the live outputs; what cannot be built yet is left empty rather than thrown. */
  #snapshot(): RunResults {
    const endMs = wallClockMs();
    const elapsedMs = this.#startedAt === 0 ? 0 : this.#clock.now() - this.#startedAt;
    try {
      const outcomes = evaluateThresholds(this.checked.thresholds, (metric, tags) => this.store.snapshot(metric, tags, elapsedMs));
      const summary = buildSummaryData({
        store: this.store,
        elapsedMs,
        thresholds: outcomes,
        trendStats: RESULT_TREND_STATS,
        noColor: true,
        isStdOutTTY: false,
        isStdErrTTY: false,
      });
      const results = this.#results(summary, outcomes, endMs, -1, '');
      this.#live.last = { ...results, endedAt: '', durationMs: elapsedMs };
    } catch (error) {
      // The live outputs keep what they last had; the failure is said once, not on every tick.
      if (this.#live.failureReported !== true) {
        this.#live.failureReported = true;
        this.io.stderr.write(`ERROR live results could not be rebuilt (the dashboard and prometheus keep the last ones): ${error instanceof Error ? error.message : String(error)}\n`);
      }
      if (this.#live.last === undefined) throw error;
    }
    return this.#live.last;
  }

  #results(summary: SummaryData, outcomes: readonly ThresholdOutcome[], endMs: number, exitCode: number, stoppedBy: string, encodedTrend?: RunResultsInput['encodedTrend']): RunResults {
    return buildRunResults({
      summary,
      store: this.store,
      thresholds: outcomes,
      timeSeries: this.recorder.timeSeries(endMs),
      options: this.script.options,
      script: this.request.script,
      startMs: this.recorder.startMs === 0 ? endMs : this.recorder.startMs,
      endMs,
      exitCode,
      stoppedBy,
      encodedTrend,
      endpoints: encodedTrend !== undefined,
    });
  }

  #stoppedBy(): string {
    switch (this.#stopReason?.kind) {
      case 'signal':
        return 'signal';
      case 'threshold':
        return 'threshold';
      case 'crash':
        return 'worker crash';
      default:
        return '';
    }
  }

  /** Initialises the VUs, runs setup() and every scenario; resolves with ok or the code of what stopped it. */
  async #runScenarios(): Promise<ExitCodeValue> {
    const timers: NodeJS.Timeout[] = [];
    try {
      await this.#initVus();
      if (this.script.exports.functions.includes('setup') && !this.#stop.signal.aborted) await this.#setup();
      this.#startedAt = this.#clock.now();
      this.recorder.start();
      if (this.checked.thresholds.some((t) => t.abortOnFail)) timers.push(setInterval(() => this.#checkAbort(), THRESHOLD_EVAL_INTERVAL_MS));
      const active = new ActiveVus(this.recorder);
      timers.push(setInterval(() => active.sample(), VUS_SAMPLE_INTERVAL_MS));
      let firstVu = 1;
      const runs = this.script.scenarios.map((scenario) => {
        const vus = Array.from({ length: maxVus(scenario) }, (_, i) => this.#pool.virtualUser(firstVu + i));
        firstVu += vus.length;
        return this.#runScenario(scenario, vus, active);
      });
      await Promise.all(runs);
      return ExitCode.ok;
    } catch (error) {
      return this.#fail(error);
    } finally {
      for (const timer of timers) clearInterval(timer);
      this.#progress.stop();
    }
  }

  /** VUs are numbered 1..total, each scenario a contiguous range; workers take them in turn. */
  async #initVus(): Promise<void> {
    const total = this.#totalVus;
    const workers = this.#pool.size;
    if (!this.request.quiet) this.io.stderr.write(`initialising ${total} VUs on ${workers} worker${workers === 1 ? '' : 's'}...\n`);
    const started = this.#clock.now();
    try {
      await Promise.race([this.#pool.createVus(Array.from({ length: total }, (_, i) => i + 1)), rejectOnAbort(this.#stop.signal)]);
    } catch (error) {
      if (error instanceof VuInitError) throw initFailure(error.vu, error.error, this.script.output);
      throw error;
    }
    if (!this.request.quiet) this.io.stderr.write(`initialised ${total} VUs in ${Math.round(this.#clock.now() - started)} ms\n`);
    this.recorder.setGauge(Metric.vusMax, total);
  }

  async #setup(): Promise<void> {
    const limit = timeLimit(this.script.options.setupTimeout, 'options.setupTimeout', this.#stop.signal);
    const outcome = await this.script.lifecycle.call('setup', '', limit.signal);
    limit.clear();
    if (outcome.ok) {
      this.#setupJson = outcome.json;
      this.#pool.setupData(outcome.json);
    } else if (this.#stop.signal.aborted) {
      // Not an error of the script; but without setup's data there is no test, and no teardown.
      const exitCode = this.#stopReason?.kind === 'crash' ? ExitCode.internalError : ExitCode.abortedBySignal;
      throw new WskError('INVALID_CLI', 'stopped during setup(), before the test started; teardown() is skipped', { exitCode });
    } else {
      throw scriptError('SCRIPT_EXCEPTION', `setup() ${this.#lifecycleFailure(outcome.error, 'setupTimeout', limit.text)}`);
    }
  }

  async #teardown(): Promise<ExitCodeValue> {
    if (!this.script.exports.functions.includes('teardown')) return ExitCode.ok;
    const limit = timeLimit(this.script.options.teardownTimeout, 'options.teardownTimeout');
    const outcome = await this.script.lifecycle.call('teardown', this.#setupJson, limit.signal);
    limit.clear();
    if (outcome.ok) return ExitCode.ok;
    this.io.stderr.write(`ERROR teardown() ${this.#lifecycleFailure(outcome.error, 'teardownTimeout', limit.text)}\n`);
    return ExitCode.scriptException;
  }

  #lifecycleFailure(error: ScriptErrorInfo | null, option: string, limit: string): string {
    return error === null ? `did not finish within ${option} (${limit})` : `failed: ${this.script.output.failure(error)}`;
  }

  async #runScenario(scenario: PlannedScenario, vus: VirtualUser[], active: ActiveVus): Promise<void> {
    if (scenario.startTimeMs > 0) {
      try {
        await this.#clock.sleepUntil(this.#startedAt + scenario.startTimeMs, this.#stop.signal);
      } catch {
        return;
      }
    }
    this.#progress.started(scenario);
    const droppedTags = this.#scenarioTags(scenario);
    await getExecutor(scenario.executor).run({
      scenario,
      clock: realClock(),
      vus,
      signal: this.#stop.signal,
      events: {
        activeVus: (delta) => {
          active.change(delta);
          this.#progress.active(scenario, delta);
        },
        droppedIteration: () => this.recorder.addCounter(Metric.droppedIterations, 1, droppedTags),
      },
    });
    this.#progress.finished(scenario);
  }

  #scenarioTags(scenario: PlannedScenario): Tags {
    return { ...this.script.options.tags, ...scenario.tags, scenario: scenario.name };
  }

  #checkAbort(): void {
    const elapsed = this.#clock.now() - this.#startedAt;
    const outcomes = evaluateThresholds(this.checked.thresholds, (metric, tags) => this.store.snapshot(metric, tags, elapsed));
    const failing = findAbortingThreshold(outcomes, elapsed);
    if (failing === undefined) return;
    this.io.stderr.write(`ERROR test aborted: threshold "${failing.spec.expression.source}" on ${failing.spec.key} failed (abortOnFail)\n`);
    this.#requestStop({ kind: 'threshold', outcome: failing });
  }

  #onSignal(signal: StopSignal): void {
    this.#signals++;
    if (this.#signals > 1) {
      this.io.exit(ExitCode.abortedBySignal, `\n${signal} again: exiting now, without teardown or summary\n`);
      return;
    }
    this.io.stderr.write(`\n${signal} received: stopping the test (teardown and summary follow; press Ctrl+C again to exit at once)\n`);
    this.#requestStop({ kind: 'signal' });
  }

  #requestStop(reason: StopReason): void {
    if (this.#stopReason !== undefined) return;
    this.#stopReason = reason;
    this.#stop.abort();
  }

  #exitCode(code: ExitCodeValue, outcomes: readonly ThresholdOutcome[]): ExitCodeValue {
    if (code !== ExitCode.ok) return code;
    switch (this.#stopReason?.kind) {
      case 'signal':
        return ExitCode.abortedBySignal;
      case 'threshold':
        return ExitCode.thresholdsFailed;
      case 'crash':
        return ExitCode.internalError;
      default:
        return outcomes.some((o) => !o.ok) ? ExitCode.thresholdsFailed : ExitCode.ok;
    }
  }

  /** Errors while running become an exit code and a one-line message; wsk's own bugs keep their stack. */
  #fail(error: unknown): ExitCodeValue {
    if (error instanceof WskError) {
      this.io.stderr.write(`ERROR ${error.message}\n`);
      return error.exitCode;
    }
    this.io.stderr.write(`ERROR internal error in wsk (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.internalError;
  }
}

/**
 * The `vus` gauge, sampled once a second as k6 does, and at every new peak. A sample is the most VUs
 * active since the one before, so the last value is the load while the test ran, not a moment of
 * the final ramp-down when VUs finish their last iterations one by one.
 */
class ActiveVus {
  #active = 0;
  #peak = 0;
  #sinceSample = 0;

  constructor(private readonly recorder: RunRecorder) {}

  change(delta: number): void {
    this.#active += delta;
    this.#sinceSample = Math.max(this.#sinceSample, this.#active);
    if (this.#active > this.#peak) {
      this.#peak = this.#active;
      this.sample();
    }
  }

  sample(): void {
    this.recorder.setGauge(Metric.vus, Math.max(this.#sinceSample, this.#active));
    this.#sinceSample = this.#active;
  }
}

/** An abort signal for setup()/teardown(): fires after the option's duration (k6's default 60s) or with `parent`. */
function timeLimit(value: string | undefined, where: string, parent?: AbortSignal): { signal: AbortSignal; clear(): void; text: string } {
  const text = value ?? DEFAULT_LIFECYCLE_TIMEOUT;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), parseDuration(text, where));
  const onParent = (): void => controller.abort();
  parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    text,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  const stopped = (): WskError => new WskError('INVALID_CLI', 'stopped before the test started', { exitCode: ExitCode.abortedBySignal });
  return new Promise((_, reject) => {
    if (signal.aborted) reject(stopped());
    signal.addEventListener('abort', () => reject(stopped()), { once: true });
  });
}
