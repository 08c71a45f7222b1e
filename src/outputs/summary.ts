/**
 * The end-of-test summary (handleSummary's output or the default text on stdout) and
 * `--summary-export` (the summary data as JSON), each an output.
 */
import path from 'node:path';
import { quote } from '../errors.js';
import { printSummary, type PrintSummaryInput } from '../run/results.js';
import { writeAtomically } from '../write-atomically.js';
import { summaryJson } from '../summary/data.js';
import type { Output } from './types.js';

export function summaryOutput(input: PrintSummaryInput): Output {
  return {
    name: 'summary',
    stop: (final, failed) => printSummary(final, input, failed),
  };
}

export function summaryExportOutput(file: string, cwd: string): Output {
  return {
    name: '--summary-export',
    stop(final) {
      writeFile(cwd, file, summaryJson(final.summary));
    },
  };
}

/** Writes atomically; the error names the file as the user gave it. */
export function writeFile(cwd: string, file: string, content: string): void {
  try {
    writeAtomically(path.resolve(cwd, file), content);
  } catch (error) {
    throw new Error(`cannot write ${quote(file)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
