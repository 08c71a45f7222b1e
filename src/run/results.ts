/**
 * The end of a run: the summary data, then either the script's handleSummary(data) output or the
 * default text summary on stdout (the summary output, outputs/summary.ts). Files are written atomically
 * (a temporary file, then rename), so an interrupted write never leaves half a report.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { configError, quote } from '../errors.js';
import path from 'node:path';
import type { Io } from '../io.js';
import { writeAtomically } from '../write-atomically.js';
import type { MetricStore } from '../metrics/store.js';
import type { ThresholdOutcome } from '../thresholds/index.js';
import { buildSummaryData, type SummaryData } from '../summary/data.js';
import { summaryText } from '../summary/text.js';
import { buildBreakdown, checksInOrder, type BreakdownStore } from '../summary/breakdown.js';
import type { SummaryMode } from '../summary/report.js';
import type { FinalResults } from '../outputs/types.js';
import type { LifecycleVu, ScriptExports } from './lifecycle.js';
import type { ConsoleOutput } from './console-output.js';

export interface SummaryInput {
  readonly store: MetricStore;
  readonly outcomes: readonly ThresholdOutcome[];
  readonly trendStats: readonly string[];
  readonly testDurationMs: number;
  readonly color: boolean;
  readonly io: Io;
}

/** The end-of-test summary data, as k6 hands it to handleSummary. */
export function runSummaryData(input: SummaryInput): SummaryData {
  return buildSummaryData({
    store: input.store,
    elapsedMs: input.testDurationMs,
    thresholds: input.outcomes,
    trendStats: input.trendStats,
    noColor: !input.color,
    isStdOutTTY: input.io.stdout.isTTY,
    isStdErrTTY: input.io.stderr.isTTY,
  });
}

export interface PrintSummaryInput {
  readonly io: Io;
  readonly lifecycle: LifecycleVu;
  readonly exports: ScriptExports;
  readonly color: boolean;
  readonly output: ConsoleOutput;
  /** The layout of the default text summary (--summary-mode). */
  readonly mode: SummaryMode;
  /** Where full mode finds each group's and scenario's results. */
  readonly store: BreakdownStore;
}

/**
 * The script's handleSummary(data) output, or the default text summary on stdout. `writeFailed`
 * reports each file of handleSummary's that could not be written (the run then exits outputFailed).
 */
export async function printSummary(final: FinalResults, input: PrintSummaryInput, writeFailed: (line: string) => void): Promise<void> {
  const { io } = input;
  const data = final.summary;
  let printDefault = true;
  if (input.exports.functions.includes('handleSummary')) {
    const outcome = await input.lifecycle.call('handleSummary', JSON.stringify(data));
    if (outcome.ok) {
      printDefault = false;
      writeSummaryMap(outcome.json, io, writeFailed);
    } else {
      io.stderr.write(`ERROR handleSummary() failed: ${input.output.failure(outcome.error)}; printing the default summary\n`);
    }
  }
  if (printDefault) io.stdout.write(`\n${defaultSummary(final, input)}\n`);
}

/** The text summary in the layout --summary-mode names; thresholds show the values they compared. */
function defaultSummary({ summary, results }: FinalResults, input: PrintSummaryInput): string {
  const observed = (key: string, source: string): number | undefined =>
    results.thresholds.find((threshold) => threshold.key === key && threshold.expression === source)?.observed ?? undefined;
  const breakdown = input.mode === 'full' ? buildBreakdown(input.store, summary.state.testRunDurationMs, summary.options.summaryTrendStats) : undefined;
  return summaryText(summary, { mode: input.mode, color: input.color, observed, breakdown, checks: checksInOrder(input.store) });
}

/** handleSummary returns `{ stdout?: text, stderr?: text, [path]: content }`. */
function writeSummaryMap(json: string, io: Io, writeFailed: (line: string) => void): void {
  if (json === '') return;
  const map: unknown = JSON.parse(json);
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    io.stderr.write('ERROR handleSummary() must return an object of { "stdout" | "stderr" | path: content }; nothing was written\n');
    return;
  }
  for (const [target, content] of Object.entries(map as Record<string, unknown>)) {
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    if (target === 'stdout') io.stdout.write(text);
    else if (target === 'stderr') io.stderr.write(text);
    else {
      try {
        writeAtomically(path.resolve(io.cwd, target), text);
      } catch (error) {
        writeFailed(`handleSummary(): cannot write ${JSON.stringify(target)}: ${(error as Error).message}`);
      }
    }
  }
}

/**
 * Fails before the test starts when `file` could not be written at the end: its directory must
 * exist and be writable, and the file itself, if it exists, must be a writable file.
 */
export function checkWritable(file: string, cwd: string, flag: string): void {
  const target = path.resolve(cwd, file);
  const dir = path.dirname(target);
  const cannot = (why: string): Error => configError('IO', `${flag}: cannot write ${quote(file)}: ${why}`);
  if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) throw cannot(`directory ${dir} does not exist`);
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing?.isDirectory() === true) throw cannot('it is a directory');
  try {
    accessSync(existing === undefined ? dir : target, constants.W_OK);
  } catch (error) {
    throw cannot(`not writable (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

