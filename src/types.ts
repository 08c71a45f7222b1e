/**
 * Public and shared types of the host. Modules import their vocabulary from here so one name means
 * one thing across the executors, metrics, thresholds, outputs and the CLI.
 */

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
/** What a metric's values are: plain numbers, milliseconds, or bytes (decides summary formatting). */
export type ValueKind = 'default' | 'time' | 'data';
export type Tags = Readonly<Record<string, string>>;

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueKind;
}

/**
 * The aggregate values of one metric (or submetric), named as k6 names them in its summary data.
 * counter: count, rate (per second of test time); gauge: value, min, max;
 * rate: rate, passes, fails; trend: avg, min, med, max, p(N) for any requested N, count.
 */
export type MetricValues = Readonly<Record<string, number>>;

export interface MetricSnapshotView {
  readonly definition: MetricDefinition;
  /** Number of samples seen (for every type). */
  readonly sampleCount: number;
  /** Value of an aggregation method as the thresholds grammar names it: 'avg', 'p(99.9)', 'rate', 'count', 'value', ... */
  value(method: string): number | undefined;
  /** The k6-shaped values object for summaries, with the trend stats asked for. */
  values(trendStats: readonly string[]): MetricValues;
}

// ---------------------------------------------------------------------------------------------
// Options (the script's `options` export, merged with config, env and CLI flags)
// ---------------------------------------------------------------------------------------------

export interface Stage {
  readonly duration: string;
  readonly target: number;
}

export type ThresholdInput = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

interface ScenarioBase {
  readonly executor: string;
  readonly startTime?: string;
  readonly gracefulStop?: string;
  readonly exec?: string;
  readonly env?: Record<string, string>;
  readonly tags?: Record<string, string>;
}
export interface ConstantVusConfig extends ScenarioBase { readonly executor: 'constant-vus'; readonly vus?: number; readonly duration: string }
export interface RampingVusConfig extends ScenarioBase {
  readonly executor: 'ramping-vus';
  readonly startVUs?: number;
  readonly stages: readonly Stage[];
  readonly gracefulRampDown?: string;
}
export interface PerVuIterationsConfig extends ScenarioBase {
  readonly executor: 'per-vu-iterations';
  readonly vus?: number;
  readonly iterations?: number;
  readonly maxDuration?: string;
}
export interface SharedIterationsConfig extends ScenarioBase {
  readonly executor: 'shared-iterations';
  readonly vus?: number;
  readonly iterations?: number;
  readonly maxDuration?: string;
}
export interface ConstantArrivalRateConfig extends ScenarioBase {
  readonly executor: 'constant-arrival-rate';
  readonly rate: number;
  readonly timeUnit?: string;
  readonly duration: string;
  readonly preAllocatedVUs: number;
  readonly maxVUs?: number;
}
export interface RampingArrivalRateConfig extends ScenarioBase {
  readonly executor: 'ramping-arrival-rate';
  readonly startRate?: number;
  readonly timeUnit?: string;
  readonly stages: readonly Stage[];
  readonly preAllocatedVUs: number;
  readonly maxVUs?: number;
}
export type ScenarioConfig =
  | ConstantVusConfig
  | RampingVusConfig
  | PerVuIterationsConfig
  | SharedIterationsConfig
  | ConstantArrivalRateConfig
  | RampingArrivalRateConfig;

/** Options as a script or config file states them (k6 names). Everything is optional and unvalidated. */
export interface ScriptOptions {
  vus?: number;
  duration?: string;
  iterations?: number;
  stages?: Stage[];
  scenarios?: Record<string, ScenarioConfig>;
  thresholds?: Record<string, ThresholdInput | ThresholdInput[]>;
  summaryTrendStats?: string[];
  setupTimeout?: string;
  teardownTimeout?: string;
  tags?: Record<string, string>;
  /** The tags wsk sets itself that samples keep (default: k6's list). */
  systemTags?: string[];
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------------
// Validated plan: what the executors and the coordinator work from (all times in milliseconds)
// ---------------------------------------------------------------------------------------------

export interface StageMs {
  readonly durationMs: number;
  readonly target: number;
}

interface PlannedScenarioBase {
  readonly name: string;
  readonly startTimeMs: number;
  readonly gracefulStopMs: number;
  /** Exported function each iteration calls ('default' unless `exec` says otherwise). */
  readonly exec: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tags: Tags;
}
export type PlannedScenario = PlannedScenarioBase &
  (
    | { readonly executor: 'constant-vus'; readonly vus: number; readonly durationMs: number }
    | { readonly executor: 'ramping-vus'; readonly startVUs: number; readonly stages: readonly StageMs[]; readonly gracefulRampDownMs: number }
    | { readonly executor: 'per-vu-iterations'; readonly vus: number; readonly iterations: number; readonly maxDurationMs: number }
    | { readonly executor: 'shared-iterations'; readonly vus: number; readonly iterations: number; readonly maxDurationMs: number }
    | {
        readonly executor: 'constant-arrival-rate';
        readonly rate: number;
        readonly timeUnitMs: number;
        readonly durationMs: number;
        readonly preAllocatedVUs: number;
        readonly maxVUs: number;
      }
    | {
        readonly executor: 'ramping-arrival-rate';
        readonly startRate: number;
        readonly timeUnitMs: number;
        readonly stages: readonly StageMs[];
        readonly preAllocatedVUs: number;
        readonly maxVUs: number;
      }
  );
export type ExecutorName = PlannedScenario['executor'];

// ---------------------------------------------------------------------------------------------
// Executors: they see a clock and VUs, nothing of the sandbox
// ---------------------------------------------------------------------------------------------

/** Time since the test started, in milliseconds; injectable so executors are tested with a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves at absolute test time `atMs` (immediately if already past), or rejects with an AbortError when `signal` aborts. */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
}

export type IterationResult = 'completed' | 'failed' | 'interrupted';

/** When a VU's own loop of iterations stops starting new ones. */
export interface LoopLimits {
  /** No iteration starts at or after this time: ms since the Unix epoch (fractional), comparable across threads. */
  readonly untilEpochMs: number;
  /** At most this many iterations (Infinity for no limit). */
  readonly maxIterations: number;
}

export interface LoopResult {
  readonly completed: number;
  readonly failed: number;
  readonly interrupted: number;
}

/** One initialised virtual user, as an executor sees it. */
export interface VirtualUser {
  readonly id: number;
  /**
   * Optional fast path for closed loops: runs iterations back to back where the VU lives, without a
   * round trip to the executor per iteration, until `limits` say stop or `signal` aborts (which
   * interrupts the running iteration). Resolves with what happened to them. Never rejects.
   */
  runLoop?(scenario: PlannedScenario, limits: LoopLimits, signal: AbortSignal): Promise<LoopResult>;
  /**
   * Runs one iteration of `scenario.exec`. Resolves when it ends; 'failed' when the script threw
   * (already logged and counted by the runner); 'interrupted' when `signal` aborted it mid-way.
   * Never rejects.
   */
  runIteration(scenario: PlannedScenario, signal: AbortSignal): Promise<IterationResult>;
}

/** What an executor reports to the run as it goes. */
export interface ExecutorEvents {
  /** The number of this scenario's VUs currently running iterations changed by `delta`. */
  activeVus(delta: number): void;
  /** An arrival-rate iteration was due but no VU was free. */
  droppedIteration(scenario: PlannedScenario): void;
}

export interface ExecutorContext {
  readonly scenario: PlannedScenario;
  readonly clock: Clock;
  /** This scenario's VUs, already initialised (length = the scenario's maximum). */
  readonly vus: readonly VirtualUser[];
  readonly events: ExecutorEvents;
  /** Aborts when the whole run is stopped (signal, abortOnFail): end now, interrupting iterations. */
  readonly signal: AbortSignal;
}

export interface Executor {
  /** Resolves when the scenario is over, all its iterations completed or interrupted. Never rejects. */
  run(context: ExecutorContext): Promise<void>;
}

/** One step of an execution plan: from `atMs` (relative to the scenario's start) on, `vus` VUs are planned. */
export interface PlanStep {
  readonly atMs: number;
  readonly vus: number;
}
