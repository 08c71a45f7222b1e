/**
 * `wsk report results.json -o report.html`: re-renders the HTML report of a saved run. Bad input
 * is one line on stderr and exit 104, as for any other bad option.
 */
import path from 'node:path';
import { ExitCode, WskError, configError, quote, type ExitCodeValue } from '../errors.js';
import type { Io } from '../io.js';
import { checkWritable } from '../run/results.js';
import { writeAtomically } from '../write-atomically.js';
import { renderReport } from './html.js';
import { readResults } from './load.js';

export async function reportCommand(resultsPath: string, outPath: string, io: Pick<Io, 'stdout' | 'stderr' | 'cwd'>): Promise<ExitCodeValue> {
  try {
    const results = await readResults(path.resolve(io.cwd, resultsPath), resultsPath);
    checkWritable(outPath, io.cwd, 'wsk report -o');
    writeReport(path.resolve(io.cwd, outPath), outPath, renderReport(results));
    io.stdout.write(`wrote the report of ${resultsPath} to ${outPath}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof WskError)) throw error;
    io.stderr.write(`ERROR ${error.message}\n`);
    return error.exitCode;
  }
}

function writeReport(file: string, shown: string, html: string): void {
  try {
    writeAtomically(file, html);
  } catch (error) {
    // checkWritable passed, so this is the disk (full, or changed under us): still one line.
    throw configError('IO', `wsk report -o: cannot write ${quote(shown)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
