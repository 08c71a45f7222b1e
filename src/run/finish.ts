/**
 * The end of a run, however it went: the workers' last metrics, the thresholds, the exit code, the
 * summary data and the results, which every output is handed.
 */
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { evaluateThresholds } from '../thresholds/index.js';
import type { RunContext } from './context.js';
import { runSummaryData } from './results.js';
import { runResults } from './run-results.js';

/**
 * Resolves with the run's exit code, as k6 ranks them: `exitCode` when the run already failed, else
 * the stop reason's (exec.test.abort()'s among them), else markedAsFailed when the script called
 * exec.test.fail(), else thresholdsFailed when a threshold failed; and outputFailed when an output
 * of a run that passed could not be written.
 */
export async function finish(run: RunContext, exitCode: ExitCodeValue, durationMs: number): Promise<ExitCodeValue> {
  const { io, recorder, settings, stop } = run;
  for (const batch of await run.pool.stop()) recorder.merge(batch);
  const endMs = run.env.epochMs();
  const store = recorder.store;
  const outcomes = evaluateThresholds(settings.thresholds, (metric, tags) => store.snapshot(metric, tags, durationMs));
  const thresholdsCode = outcomes.some((o) => !o.ok) ? ExitCode.thresholdsFailed : ExitCode.ok;
  const failed = run.shared.markedFailed ? ExitCode.markedAsFailed : undefined;
  const code = exitCode !== ExitCode.ok ? exitCode : (stop.exitCode() ?? failed ?? thresholdsCode);
  const suppressed = run.script.output.suppressed();
  if (suppressed > 0) io.stderr.write(`(${suppressed} repeated error messages were not printed)\n`);
  const summary = runSummaryData({ io, store, outcomes, trendStats: settings.trendStats, testDurationMs: durationMs, color: settings.color });
  const results = runResults(run, {
    summary,
    outcomes,
    endMs,
    exitCode: code,
    stoppedBy: stop.stoppedBy(),
    encodedTrend: (metric, tags) => store.encodedTrend(metric, tags),
  });
  const writeFailures = await run.outputs.stop({ summary, results }, io);
  const crossed = [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.spec.key))].sort();
  // As k6 says it, after the summary, so a CI log ends with why the build is red (the reason of the exit code only).
  if (crossed.length > 0 && code === ExitCode.thresholdsFailed) io.stderr.write(`ERROR thresholds on metrics '${crossed.join(', ')}' have been crossed\n`);
  if (code === ExitCode.markedAsFailed) io.stderr.write('ERROR test run was marked as failed (exec.test.fail())\n');
  // Files that could not be written fail a run that otherwise passed: CI must not read it as green.
  return code === ExitCode.ok && writeFailures > 0 ? ExitCode.outputFailed : code;
}
