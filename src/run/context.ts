/**
 * What the phases of one run share, each part handed in: the run's time (environment.ts), its stop
 * controller, the pool of VUs, the prepared script, the metrics recorder, the progress display and
 * the outputs. run.ts builds the real ones; tests build a run from a fake pool, a fake lifecycle VU
 * and virtual time.
 */
import type { Io } from '../io.js';
import type { MetricBatch } from '../metrics/sink.js';
import type { OutputSet } from '../outputs/index.js';
import type { ThresholdSpec } from '../thresholds/index.js';
import type { VirtualUser } from '../types.js';
import type { RunMemory } from '../../runtime/run-memory.js';
import type { RunEnvironment, TestStart } from './environment.js';
import type { LifecycleVu } from './lifecycle.js';
import type { PreparedScript } from './prepare.js';
import type { Progress } from './progress.js';
import type { RunRecorder } from './recorder.js';
import type { StopController } from './stop.js';

/** What a run needs of its VUs' host; the WorkerPool is the real one. */
export interface VuPool {
  /** Worker threads hosting the VUs. */
  readonly size: number;
  /** Initialises VUs `ids`; rejects with a VuInitError when a VU's init code throws. */
  createVus(ids: readonly number[]): Promise<void>;
  /** setup()'s data, as JSON, for every VU. */
  setupData(json: string): void;
  /** A handle on VU `id` (created before) for the executors. */
  virtualUser(id: number): VirtualUser;
  /** Stops the VUs; resolves with their last metrics. */
  stop(): Promise<MetricBatch[]>;
}

/** The prepared script as the phases see it: its lifecycle VU only runs setup(), teardown() and stops. */
export type RunScript = Pick<PreparedScript, 'exports' | 'options' | 'scenarios' | 'output'> & {
  readonly lifecycle: Pick<LifecycleVu, 'call' | 'stop'>;
};

/** The run's settings, checked before it starts. */
export interface RunSettings {
  /** The script path as the user gave it, for the results. */
  readonly scriptPath: string;
  readonly quiet: boolean;
  readonly color: boolean;
  readonly thresholds: readonly ThresholdSpec[];
  readonly trendStats: readonly string[];
}

export interface RunContext {
  readonly io: Io;
  readonly env: RunEnvironment;
  readonly settings: RunSettings;
  readonly stop: StopController;
  readonly start: TestStart;
  readonly pool: VuPool;
  readonly script: RunScript;
  readonly recorder: RunRecorder;
  readonly progress: Progress;
  readonly outputs: OutputSet;
  /** The memory the run's threads share: the coordinator writes what wsk/execution reads of the run there. */
  readonly shared: RunMemory;
}
