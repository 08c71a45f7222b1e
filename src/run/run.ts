/**
 * `wsk run`: one test from script to exit code. Checks the request, prepares the script (bundle,
 * options, plan), builds the run's real parts — the worker pool, the outputs, the progress display,
 * the stop controller, the real clock and timers — and executes the run's phases (execute.ts).
 */
import os from 'node:os';
import { configError, quote, type ExitCodeValue } from '../errors.js';
import type { Io } from '../io.js';
import type { MetricDefinition, PlannedScenario, ScriptOptions } from '../types.js';
import { parseDuration } from '../duration.js';
import { MetricRegistry } from '../metrics/registry.js';
import { MetricStore } from '../metrics/store.js';
import { DEFAULT_TREND_STATS, isTrendStat } from '../metrics/view.js';
import { parseThresholds, type ThresholdSpec } from '../thresholds/index.js';
import { checkOutputs, type OutputSpec } from '../results/outputs.js';
import { DEFAULT_BUCKET_MS } from '../results/buckets.js';
import { OutputSet, runOutputs } from '../outputs/index.js';
import { readNetworkOptions, type NetworkOptions } from '../options/network.js';
import { parseTargetSpec } from '../serve/flags.js';
import type { WorkerSetup } from '../worker/messages.js';
import { prepareScript, type PreparedScript, type ScriptRequest } from './prepare.js';
import { WorkerPool } from './worker-pool.js';
import { firstOnThreadOf } from './lifecycle.js';
import { Progress } from './progress.js';
import { headline } from './headline.js';
import { checkWritable } from './results.js';
import { RunRecorder } from './recorder.js';
import { realRunEnvironment, TestStart } from './environment.js';
import { StopController } from './stop.js';
import type { RunContext } from './context.js';
import { DEFAULT_LIFECYCLE_TIMEOUT, totalVus } from './phases.js';
import { limitHeapGrowth } from '../heap-growth.js';
import { scenarioTags } from './scenarios.js';
import { executeRun } from './execute.js';
import type { SummaryMode } from '../summary/report.js';
import { servedEnv, startTargets, stopTargets } from './targets.js';
import { testInfo } from './test-info.js';
import { MAX_SCENARIOS, RunMemory } from '../../runtime/run-memory.js';

export interface RunRequest extends ScriptRequest {
  readonly summaryExport?: string | undefined;
  /** `--summary-mode`: the text summary's layout (default compact). */
  readonly summaryMode?: SummaryMode | undefined;
  readonly quiet: boolean;
  readonly color: boolean;
  /** Worker threads hosting VUs (default: one per core). */
  readonly workers?: number | undefined;
  /**
   * `--serve`: built-in targets to start, each in its own process, for the run: a kind and its flags,
   * e.g. "chat --drop 0.01". Each URL becomes __ENV.WSK_TARGET_<KIND>, the first's also __ENV.WSK_TARGET.
   */
  readonly serve?: readonly string[] | undefined;
  /** `--out` files (and endpoints), checked before the test starts and written at its end. */
  readonly outputs?: readonly OutputSpec[] | undefined;
  /** `--report`: the HTML report's path. */
  readonly report?: string | undefined;
  /** `--bucket`: the time series' bucket length. */
  readonly bucketMs?: number | undefined;
  /** `--dashboard`: where the live web page listens. */
  readonly dashboard?: { readonly host: string; readonly port: number } | undefined;
}

export async function runTest(request: RunRequest, io: Io): Promise<ExitCodeValue> {
  // Every --serve value is checked before any target starts.
  const specs = (request.serve ?? []).map(parseTargetSpec);
  if (specs.length === 0) return runWithTarget(request, io);
  const targets = await startTargets(specs);
  try {
    // A WSK_TARGET or WSK_TARGET_<KIND> the user set (environment or -e) wins: the script then runs against that target.
    const served = servedEnv(
      specs.map((spec, index) => ({ kind: spec.kind, url: targets[index]!.url })),
      (name) => (request.env[name] ?? io.env[name]) !== undefined,
    );
    for (const line of served.lines) io.stderr.write(line);
    return await runWithTarget({ ...request, env: { ...served.env, ...request.env } }, io);
  } finally {
    await stopTargets(targets);
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
    if (prepared.scenarios.length > MAX_SCENARIOS) {
      throw configError('INVALID_OPTION', `options.scenarios: ${prepared.scenarios.length} scenarios; wsk runs at most ${MAX_SCENARIOS} in one test`);
    }
  } catch (error) {
    await prepared.lifecycle.stop();
    throw error;
  }
  prepared.lifecycle.network(checked.network);
  const info = JSON.stringify(testInfo(prepared.options, prepared.scenarios));
  prepared.lifecycle.testInfo(info);
  return executeRun(runContext(request, io, prepared, checked, { registry, store, define }, info));
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

interface RunMetrics {
  readonly registry: MetricRegistry;
  readonly store: MetricStore;
  /** Learns the metrics a worker defines. */
  readonly define: (definitions: readonly MetricDefinition[]) => void;
}

/** The real parts of a run: real time, its recorder, outputs, progress display and worker pool, wired to one stop controller. */
function runContext(request: RunRequest, io: Io, script: PreparedScript, checked: RunOptions, metrics: RunMetrics, testInfoJson: string): RunContext {
  const { scenarios, output } = script;
  const env = realRunEnvironment();
  const bucketMs = request.bucketMs ?? DEFAULT_BUCKET_MS;
  const recorder = new RunRecorder(metrics.store, metrics.registry, bucketMs, Object.keys(script.options.tags ?? {}), env.epochMs);
  const outputs = new OutputSet(
    runOutputs({
      cwd: io.cwd,
      summary: { io, lifecycle: script.lifecycle, exports: script.exports, color: request.color, output, mode: request.summaryMode ?? 'compact', store: metrics.store },
      summaryExport: request.summaryExport,
      outputs: request.outputs,
      report: request.report,
      dashboard: request.dashboard,
    }),
  );
  recorder.forward((batch) => outputs.add(batch));
  const start = new TestStart(env.clock);
  const progress = new Progress(io.stderr, scenarios, env.clock, request.quiet, () => (start.started ? headline(recorder.store, start.elapsedMs()) : ''));
  const stop = new StopController(io);
  limitHeapGrowth(totalVus(scenarios));
  const pool = new WorkerPool(workerCount(request.workers, scenarios), poolSetup(script, checked.network, testInfoJson), scenarios, {
    metrics: (batch) => recorder.merge(batch),
    logs: (logs) => output.logs(logs),
    errors: (errors) => output.errors(errors),
    defined: metrics.define,
    crashed: (error) => stop.crashed(error),
    aborted: (error) => stop.aborted(output.failure(error)),
    iterationEnded: (scenario, result, count) => progress.iterationEnded(scenario, result, count),
  }, firstOnThreadOf(script.lifecycle));
  const settings = { scriptPath: request.script, quiet: request.quiet, color: request.color, thresholds: checked.thresholds, trendStats: checked.trendStats };
  return { io, env, settings, stop, start, pool, script, recorder, progress, outputs, shared: new RunMemory(script.sandboxSetup.counters) };
}

/** One worker per core (or as asked), never more than there are VUs. */
function workerCount(asked: number | undefined, scenarios: readonly PlannedScenario[]): number {
  return Math.max(1, Math.min(asked ?? os.availableParallelism(), totalVus(scenarios)));
}

/** What every worker of the pool starts with. */
function poolSetup(script: PreparedScript, network: NetworkOptions, testInfo: string): Omit<WorkerSetup, 'workerIndex'> {
  const { scenarios, options } = script;
  return {
    ...script.sandboxSetup,
    scenarioEnv: Object.fromEntries(scenarios.map((s) => [s.name, { ...s.env }])),
    scenarios: scenarios.map((s) => ({ name: s.name, exec: s.exec, tags: scenarioTags(options, s) })),
    recordIterations: true,
    network,
    testInfo,
  };
}
