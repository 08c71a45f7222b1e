/** `--out json|csv|junit|markdown` and `--report`: files rendered from the final results. */
import { renderReport } from '../report/html.js';
import { writeOutputFiles, type FileOutputSpec } from '../results/outputs.js';
import { writeFile } from './summary.js';
import type { Output } from './types.js';

/** One `--out` file kind; each of its files is tried, and one error names every file that failed. */
export function fileOutput(spec: FileOutputSpec, cwd: string): Output {
  return {
    name: `--out ${spec.kind}`,
    stop({ results }) {
      const failed = writeOutputFiles(spec, results, cwd);
      if (failed !== '') throw new Error(failed);
    },
  };
}

export function reportOutput(file: string, cwd: string): Output {
  return {
    name: '--report',
    stop({ results }) {
      writeFile(cwd, file, renderReport(results));
    },
  };
}
