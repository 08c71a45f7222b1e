/**
 * The run's results (results/types.ts): the final ones at its end, and the ones so far that the live
 * outputs (dashboard, prometheus) ask for while it runs.
 */
import type { LiveSource } from '../live/types.js';
import { buildRunResults, RESULT_TREND_STATS, type RunResultsInput } from '../results/build.js';
import type { RunResults } from '../results/types.js';
import { buildSummaryData, type SummaryData } from '../summary/data.js';
import { evaluateThresholds, type ThresholdOutcome } from '../thresholds/index.js';
import type { RunContext } from './context.js';

export interface ResultsState {
  readonly summary: SummaryData;
  readonly outcomes: readonly ThresholdOutcome[];
  /** Epoch ms. */
  readonly endMs: number;
  /** -1 while the run goes on. */
  readonly exitCode: number;
  readonly stoppedBy: string;
  /** Only the final results carry the histograms and the per-endpoint rows. */
  readonly encodedTrend?: RunResultsInput['encodedTrend'];
}

export function runResults(run: Pick<RunContext, 'recorder' | 'script' | 'settings'>, state: ResultsState): RunResults {
  const { recorder } = run;
  return buildRunResults({
    summary: state.summary,
    store: recorder.store,
    thresholds: state.outcomes,
    timeSeries: recorder.timeSeries(state.endMs),
    options: run.script.options,
    script: run.settings.scriptPath,
    startMs: recorder.startMs === 0 ? state.endMs : recorder.startMs,
    endMs: state.endMs,
    exitCode: state.exitCode,
    stoppedBy: state.stoppedBy,
    encodedTrend: state.encodedTrend,
    endpoints: state.encodedTrend !== undefined,
  });
}

/**
 * Results built for the live outputs are reused for this long while no new sample came: the
 * dashboard's tick, Prometheus scrapes and every page that connects share one build.
 */
const LIVE_REUSE_MS = 1000;

/** The results so far, for the live outputs; what cannot be built yet is left empty rather than thrown. */
export class LiveResults implements LiveSource {
  #last: RunResults | undefined;
  /** The recorder's generation and the epoch ms of the last build. */
  #builtFrom = { generation: -1, atMs: 0 };
  /** Whether a failed rebuild was reported. */
  #failureReported = false;

  constructor(private readonly run: RunContext) {}

  snapshot(): RunResults {
    const { run } = this;
    const endMs = run.env.epochMs();
    const generation = run.recorder.generation;
    if (this.#last !== undefined && generation === this.#builtFrom.generation && endMs - this.#builtFrom.atMs < LIVE_REUSE_MS) return this.#last;
    this.#builtFrom = { generation, atMs: endMs };
    const elapsedMs = run.start.elapsedMs();
    const store = run.recorder.store;
    try {
      const outcomes = evaluateThresholds(run.settings.thresholds, (metric, tags) => store.snapshot(metric, tags, elapsedMs));
      const summary = buildSummaryData({
        store,
        elapsedMs,
        thresholds: outcomes,
        trendStats: RESULT_TREND_STATS,
        noColor: true,
        isStdOutTTY: false,
        isStdErrTTY: false,
      });
      const results = runResults(run, { summary, outcomes, endMs, exitCode: -1, stoppedBy: '' });
      this.#last = { ...results, endedAt: '', durationMs: elapsedMs };
    } catch (error) {
      // The live outputs keep what they last had; the failure is said once, not on every tick.
      if (!this.#failureReported) {
        this.#failureReported = true;
        run.io.stderr.write(`ERROR live results could not be rebuilt (the dashboard and prometheus keep the last ones): ${error instanceof Error ? error.message : String(error)}\n`);
      }
      if (this.#last === undefined) throw error;
    }
    return this.#last;
  }
}
