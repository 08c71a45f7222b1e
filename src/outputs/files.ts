/** `--out json|csv|junit|markdown` and `--report`: files rendered from the final results. */
import { renderReport } from '../report/html.js';
import { filesOf, type FileOutputSpec } from '../results/outputs.js';
import { writeFile } from './summary.js';
import type { Output } from './types.js';

/** One `--out` file kind; each of its files is tried, and one error names every file that failed. */
export function fileOutput(spec: FileOutputSpec, cwd: string): Output {
  return {
    name: `--out ${spec.kind}`,
    stop({ results }) {
      const failures: string[] = [];
      for (const { file, render } of filesOf(spec)) {
        try {
          const content = render(results);
          if (content !== undefined) writeFile(cwd, file, content);
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
      if (failures.length > 0) throw new Error(failures.join('; '));
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
