/**
 * `wsk run`: one test from script to exit code. Bundles the script, learns its options from the
 * lifecycle VU, plans the scenarios, starts the workers and their VUs, runs setup, the executors and
 * teardown, and hands the results to the outputs. A run that is stopped (signal, abortOnFail, a
 * crashed worker) still tears down, prints its summary and writes its files.
 */
import os from 'node:os';
import { ExitCode, WskError, configError, quote, scriptError, type ExitCodeValue } from '../errors.js';
import { DEFAULT_TREND_STATS, isTrendStat } from '../metrics/view.js';
import type { Io } from '../io.js';
import type { Executor, MetricDefinition, VirtualUser } from '../types.js';
import { getExecutor } from '../executors/index.js';
import { maxVus } from '../executors/plan.js';
import { realClock } from '../clock.js';
import { parseDuration } from '../duration.js';
import { MetricRegistry } from '../metrics/registry.js';
import { MetricStore } from '../metrics/store.js';
import { Metric } from '../metrics/builtin.js';
import { evaluateThresholds, findAbortingThreshold, parseThresholds, type ThresholdOutcome, type ThresholdSpec } from '../thresholds/index.js';
import { describeFailure, initFailure, prepareScript, type ScriptRequest } from './prepare.js';
import { WorkerPool, VuInitError } from './worker-pool.js';
import { Progress } from './progress.js';
import { writeResults } from './results.js';

export interface RunRequest extends ScriptRequest {
  readonly summaryExport?: string | undefined;
  readonly quiet: boolean;
  readonly color: boolean;
  /** Worker threads hosting VUs (default: one per core). */
  readonly workers?: number | undefined;
}
const THRESHOLD_EVAL_INTERVAL_MS = 2000;
const DEFAULT_LIFECYCLE_TIMEOUT = '60s';
const VUS_SAMPLE_INTERVAL_MS = 1000;

type StopReason = { kind: 'signal' } | { kind: 'threshold'; outcome: ThresholdOutcome } | { kind: 'crash'; error: Error };

export async function runTest(request: RunRequest, io: Io): Promise<ExitCodeValue> {
  const registry = new MetricRegistry();
  const store = new MetricStore(registry);
  const defineAll = (definitions: readonly MetricDefinition[]): void => {
    for (const d of definitions) registry.define(d.name, d.type, d.contains);
  };
  const prepared = await prepareScript(request, io, {
    defined: defineAll,
    metrics: (batch) => store.merge(batch),
  });
  const { output, lifecycle, exports, options, scenarios, sandboxSetup } = prepared;
  let thresholds: ThresholdSpec[];
  let trendStats: readonly string[];
  try {
    thresholds = parseThresholds(options.thresholds, (name) => registry.get(name), registry.names());
    trendStats = parseTrendStats(options.summaryTrendStats);
    parseDuration(options.setupTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT, 'options.setupTimeout');
    parseDuration(options.teardownTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT, 'options.teardownTimeout');
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }

  // The lifecycle VU must see scenario env too (it was created before options were known).
  const scenarioEnv = Object.fromEntries(scenarios.map((s) => [s.name, { ...s.env }]));
  const globalTags = options.tags ?? {};
  const workerScenarios = scenarios.map((s) => ({ name: s.name, exec: s.exec, tags: { ...globalTags, ...s.tags, scenario: s.name } }));

  // Stop handling: the first signal stops gracefully, a second one exits at once.
  const stop = new AbortController();
  let stopReason: StopReason | undefined;
  const requestStop = (reason: StopReason): void => {
    if (stopReason !== undefined) return;
    stopReason = reason;
    stop.abort();
  };
  let signals = 0;
  const offSignal = io.onSignal((signal) => {
    signals++;
    if (signals > 1) {
      io.stderr.write(`\n${signal} again: exiting now, without teardown or summary\n`);
      process.exit(ExitCode.abortedBySignal);
    }
    io.stderr.write(`\n${signal} received: stopping the test (teardown and summary follow; press Ctrl+C again to exit at once)\n`);
    requestStop({ kind: 'signal' });
  });

  const totalVus = scenarios.reduce((sum, s) => sum + maxVus(s), 0);
  const workerCount = Math.max(1, Math.min(request.workers ?? os.availableParallelism(), Math.max(1, totalVus)));
  const pool = new WorkerPool(workerCount, { ...sandboxSetup, scenarioEnv, scenarios: workerScenarios, recordIterations: true }, scenarios, {
    metrics: (batch) => store.merge(batch),
    logs: (logs) => output.logs(logs),
    errors: (errors) => output.errors(errors),
    defined: defineAll,
    crashed: (error) => {
      io.stderr.write(`ERROR a worker thread failed: ${error.message}; stopping the test\n`);
      requestStop({ kind: 'crash', error });
    },
  });

  const clock = realClock();
  let exitCode: ExitCodeValue = ExitCode.ok;
  let setupJson = '';
  let outcomes: ThresholdOutcome[] = [];
  let progress: Progress | undefined;
  let thresholdTimer: NodeJS.Timeout | undefined;
  let vusSampler: NodeJS.Timeout | undefined;
  let testStartedAt = clock.now();
  try {
    // VUs: ids 1..total, each scenario its own contiguous range.
    const firstVu = new Map<string, number>();
    let nextId = 1;
    for (const s of scenarios) {
      firstVu.set(s.name, nextId);
      nextId += maxVus(s);
    }
    const ids = Array.from({ length: totalVus }, (_, i) => i + 1);
    if (!request.quiet) io.stderr.write(`initialising ${totalVus} VUs on ${workerCount} worker${workerCount === 1 ? '' : 's'}...\n`);
    const initStarted = clock.now();
    try {
      await Promise.race([pool.createVus(ids), aborted(stop.signal)]);
    } catch (error) {
      if (error instanceof VuInitError) throw initFailure(error.vu, error.error, output);
      throw error;
    }
    if (!request.quiet && !stop.signal.aborted) {
      io.stderr.write(`initialised ${totalVus} VUs in ${Math.round(clock.now() - initStarted)} ms\n`);
    }
    store.setGauge(Metric.vusMax, totalVus);

    if (exports.functions.includes('setup') && !stop.signal.aborted) {
      const limit = timeLimit(options.setupTimeout, 'options.setupTimeout', stop.signal);
      const outcome = await lifecycle.call('setup', '', limit.signal);
      limit.clear();
      if (!outcome.ok && !stop.signal.aborted) {
        const why = outcome.error === null ? `did not finish within setupTimeout (${limit.text})` : `failed: ${describeFailure(outcome.error, output)}`;
        throw scriptError('SCRIPT_EXCEPTION', `setup() ${why}`);
      }
      if (outcome.ok) {
        setupJson = outcome.json;
        pool.setupData(setupJson);
      }
    }

    testStartedAt = clock.now();
    if (thresholds.some((t) => t.abortOnFail)) {
      thresholdTimer = setInterval(() => {
        const elapsed = clock.now() - testStartedAt;
        const failing = findAbortingThreshold(evaluate(thresholds, store, elapsed), elapsed);
        if (failing !== undefined) requestStop({ kind: 'threshold', outcome: failing });
      }, THRESHOLD_EVAL_INTERVAL_MS);
    }
    progress = new Progress(io.stderr, scenarios, clock, request.quiet);
    // `vus` is sampled once a second, as k6 does, plus whenever a new peak is reached, so its last
    // value is the load while the test ran rather than the 0 of the final ramp-down.
    let active = 0;
    let peak = 0;
    vusSampler = setInterval(() => store.setGauge(Metric.vus, active), VUS_SAMPLE_INTERVAL_MS);
    const runs = scenarios.map((scenario) => {
      const first = firstVu.get(scenario.name)!;
      const vus: VirtualUser[] = Array.from({ length: maxVus(scenario) }, (_, i) => progress!.count(scenario, pool.virtualUser(first + i)));
      const executor: Executor = getExecutor(scenario.executor);
      return (async () => {
        const startAt = testStartedAt + scenario.startTimeMs;
        if (scenario.startTimeMs > 0) {
          try {
            await clock.sleepUntil(startAt, stop.signal);
          } catch {
            return;
          }
        }
        const scenarioClock = realClock(performance.now());
        progress!.started(scenario);
        await executor.run({
          scenario,
          clock: scenarioClock,
          vus,
          signal: stop.signal,
          events: {
            activeVus: (delta) => {
              active += delta;
              progress!.active(scenario, delta);
              if (active > peak) {
                peak = active;
                store.setGauge(Metric.vus, active);
              }
            },
            droppedIteration: (s) => store.addCounter(Metric.droppedIterations, 1, { ...globalTags, ...s.tags, scenario: s.name }),
          },
        });
        progress!.finished(scenario);
      })();
    });
    await Promise.all(runs);
  } catch (error) {
    exitCode = await failRun(error, io);
  } finally {
    clearInterval(thresholdTimer);
    clearInterval(vusSampler);
    progress?.stop();
    offSignal();
  }
  const testDurationMs = clock.now() - testStartedAt;

  // Teardown runs even when the test was stopped, as in k6 (not after an init or setup failure).
  if (exitCode === ExitCode.ok && exports.functions.includes('teardown')) {
    const limit = timeLimit(options.teardownTimeout, 'options.teardownTimeout');
    const outcome = await lifecycle.call('teardown', setupJson, limit.signal);
    limit.clear();
    if (!outcome.ok) {
      const why = outcome.error === null ? `did not finish within teardownTimeout (${limit.text})` : `failed: ${describeFailure(outcome.error, output)}`;
      io.stderr.write(`ERROR teardown() ${why}\n`);
      exitCode = ExitCode.scriptException;
    }
  }
  for (const batch of await pool.stop()) store.merge(batch);

  outcomes = evaluate(thresholds, store, testDurationMs);
  if (exitCode === ExitCode.ok) {
    if (stopReason?.kind === 'signal') exitCode = ExitCode.abortedBySignal;
    else if (stopReason?.kind === 'threshold') exitCode = ExitCode.abortedByThreshold;
    else if (stopReason?.kind === 'crash') exitCode = ExitCode.scriptException;
    else if (outcomes.some((o) => !o.ok)) exitCode = ExitCode.thresholdsFailed;
  }
  if (stopReason?.kind === 'threshold') {
    io.stderr.write(`ERROR test aborted: threshold "${stopReason.outcome.spec.expression.source}" on ${stopReason.outcome.spec.key} failed (abortOnFail)\n`);
  }
  const suppressed = output.suppressed();
  if (suppressed > 0) io.stderr.write(`(${suppressed} repeated error messages were not printed)\n`);

  await writeResults({
    io,
    lifecycle,
    exports,
    store,
    outcomes,
    trendStats,
    testDurationMs,
    summaryExport: request.summaryExport,
    color: request.color,
    output,
    options,
  });
  await lifecycle.stop();
  store.dispose();
  return exitCode;
}

function parseTrendStats(value: unknown): readonly string[] {
  if (value === undefined) return DEFAULT_TREND_STATS;
  if (!Array.isArray(value) || value.length === 0 || !value.every((stat) => typeof stat === 'string' && isTrendStat(stat))) {
    throw configError(
      'INVALID_OPTION',
      `options.summaryTrendStats: invalid value ${quote(value)}; expected a list of avg, min, med, max, count or p(N), e.g. ["avg", "p(95)"]`,
    );
  }
  return value as string[];
}

/** An abort signal for setup()/teardown(): fires after the option's duration (k6 default 60s) or with `parent`. */
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

function evaluate(specs: readonly ThresholdSpec[], store: MetricStore, elapsedMs: number): ThresholdOutcome[] {
  return evaluateThresholds(specs, (metric, tags) => store.snapshot(metric, tags, elapsedMs));
}




/** Errors during the run become an exit code and a one-line message; wsk's own bugs keep their stack. */
async function failRun(error: unknown, io: Io): Promise<ExitCodeValue> {
  if (error instanceof WskError) {
    io.stderr.write(`ERROR ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`ERROR internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.scriptException;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new WskError('INVALID_CLI', 'stopped before the test started', { exitCode: ExitCode.abortedBySignal }));
    signal.addEventListener('abort', () => reject(new WskError('INVALID_CLI', 'stopped before the test started', { exitCode: ExitCode.abortedBySignal })), {
      once: true,
    });
  });
}


