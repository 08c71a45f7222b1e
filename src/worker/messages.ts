/**
 * Messages between the coordinator (main thread) and the workers that host VUs. Hot-path messages
 * carry flat number arrays so one postMessage per event-loop turn moves thousands of items.
 */
import type { Isolation, SandboxCode, SandboxLimits } from '../sandbox/code.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import type { MetricBatch } from '../metrics/sink.js';
import type { MetricDefinition, Tags } from '../types.js';
import type { MessagePort } from 'node:worker_threads';
import type { NetworkOptions } from '../options/network.js';

export interface WorkerScenario {
  readonly name: string;
  readonly exec: string;
  /** Tags on every sample of this scenario's iterations: `scenario` plus the options' and scenario's tags. */
  readonly tags: Tags;
}

export interface WorkerSetup {
  readonly workerIndex: number;
  readonly code: SandboxCode;
  readonly isolation: Isolation;
  readonly limits: SandboxLimits;
  /** VUs placed in one isolate before the next is made (compartment isolation: one realm per isolate). */
  readonly vusPerIsolate: number;
  readonly env: Record<string, string>;
  readonly scenarioEnv: Record<string, Record<string, string>>;
  readonly scenarios: readonly WorkerScenario[];
  readonly scriptDir: string;
  /** False for the lifecycle VU: setup() and teardown() are not iterations. */
  readonly recordIterations: boolean;
  /** How often the worker ships its aggregated metrics. */
  readonly metricsIntervalMs: number;
  /** Counters every VU of the run shares (wsk/data's feeders): memory shared by every worker; none in tests. */
  readonly counters?: SharedArrayBuffer;
  /** DNS override and TLS settings for the VUs' connections. */
  readonly network: NetworkOptions;
  /** options.systemTags, validated; absent: DEFAULT_SYSTEM_TAGS (the lifecycle VU starts before options are read). */
  readonly systemTags?: readonly string[];
  /** What wsk/execution tells of the test (a TestInfo as JSON); the lifecycle VU gets it in a message, once known. */
  readonly testInfo?: string;
}

/** Status codes in `ended` triples. */
export const IterationStatus = { completed: 0, failed: 1, interrupted: 2 } as const;
export type IterationStatusCode = (typeof IterationStatus)[keyof typeof IterationStatus];

export type ToWorker =
  | { readonly type: 'createVus'; readonly ids: readonly number[] }
  | { readonly type: 'setupData'; readonly json: string }
  /** Network options, once known (the lifecycle VU starts before the script's options are read). */
  | { readonly type: 'network'; readonly options: NetworkOptions }
  /** What wsk/execution tells of the test, once known (for the lifecycle VU; the pool's workers have it in their setup). */
  | { readonly type: 'testInfo'; readonly json: string }
  /** Quads: vu, token, scenario index, iteration in scenario. */
  | { readonly type: 'run'; readonly items: readonly number[] }
  /** Sextuples: vu, loop token, scenario index, first iteration in scenario, max iterations, until (epoch ms). */
  | { readonly type: 'loop'; readonly items: readonly number[] }
  /** Pairs: vu, token (of an iteration or of a loop). */
  | { readonly type: 'interrupt'; readonly items: readonly number[] }
  | { readonly type: 'stop' };

/**
 * What a worker thread's own port takes: its VuHost's messages, or `host`, which starts another
 * VuHost on the same thread that talks over `port` (the pool's first worker shares the lifecycle
 * VU's thread, so a test starts one thread fewer).
 */
export type ToThread = ToWorker | { readonly type: 'host'; readonly setup: WorkerSetup; readonly port: MessagePort };

export interface WorkerLog {
  readonly vu: number;
  readonly level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  readonly text: string;
}

/**
 * iteration: the iteration threw; callback: script code the host called on its own (a socket
 * handler, a predicate) threw, and the VU went on; timeout / memory: the sandbox stopped a crossing;
 * abandoned: an iteration lost to another VU's timeout or memory; internal: wsk itself failed.
 */
export type ErrorKind = 'iteration' | 'callback' | 'timeout' | 'memory' | 'abandoned' | 'internal';
export interface WorkerError {
  readonly vu: number;
  readonly kind: ErrorKind;
  readonly error: ScriptErrorInfo;
  /** For callback errors: what threw ("socket 'message' handler"). */
  readonly where?: string;
}

export type FromWorker =
  | {
      readonly type: 'vusCreated';
      readonly count: number;
      /** `aborted`: the init code called exec.test.abort(), whose error this is. */
      readonly error: { vu: number; error: ScriptErrorInfo; aborted?: boolean } | null;
      /** What the first VU's init code exported. */
      readonly exports: { functions: string[]; options: string } | null;
    }
  | {
      readonly type: 'batch';
      /** Triples: vu, token, status (IterationStatus). */
      readonly ended: readonly number[];
      readonly logs: readonly WorkerLog[];
      readonly errors: readonly WorkerError[];
      readonly defined: readonly MetricDefinition[];
      /** Loops that ended, quintuples: vu, loop token, completed, failed, interrupted. */
      readonly loopsEnded: readonly number[];
      /** Iterations that loops ran since the last batch that carried them, triples: scenario index, status, count (for progress). */
      readonly loopIterations: readonly number[];
      /** Return values (JSON) of lifecycle functions: setup() and handleSummary(). */
      readonly results: readonly { vu: number; token: number; json: string }[];
    }
  /** A VU called exec.test.abort() in an iteration: the test stops. */
  | { readonly type: 'aborted'; readonly vu: number; readonly error: ScriptErrorInfo }
  | { readonly type: 'metrics'; readonly batch: MetricBatch }
  | { readonly type: 'stopped'; readonly batch: MetricBatch };
