/**
 * What every output of a run is: the summary, `--summary-export`, each `--out` kind, `--report`,
 * the dashboard and the Prometheus endpoint. As in k6, an output is started before the test, may
 * take the metric batches as they arrive, and is stopped with the final results; the end-of-test
 * summary is one output among the others. An OutputSet (set.ts) drives them all.
 */
import type { Io } from '../io.js';
import type { MetricBatch } from '../metrics/sink.js';
import type { RunResults } from '../results/types.js';
import type { SummaryData } from '../summary/data.js';
import type { LiveSource } from '../live/types.js';

export interface OutputContext {
  readonly io: Io;
  /** The results so far, for outputs that serve them while the test runs. */
  readonly live: LiveSource;
}

/** What the end of the run hands every output. */
export interface FinalResults {
  /** k6's summary data (handleSummary's argument, --summary-export's content). */
  readonly summary: SummaryData;
  readonly results: RunResults;
}

export interface Output {
  /** How messages name it: '--out csv', '--report', '--dashboard'. */
  readonly name: string;
  /** Before any VU starts; a throw stops the run at once (a port in use, say). */
  start?(context: OutputContext): Promise<void> | void;
  /** A batch of samples, as the coordinator merges them. Must not keep the batch or throw. */
  add?(batch: MetricBatch): void;
  /**
   * The run is over. A throw is reported as `ERROR <name>: <message>` and fails the run (exit 103)
   * without keeping the other outputs from stopping; `failed` reports a problem that does not end the output.
   */
  stop?(final: FinalResults, failed: (line: string) => void): Promise<void> | void;
  /** Frees what start() took (servers); called however the run ended, also when start() failed. */
  close?(): Promise<void> | void;
}
