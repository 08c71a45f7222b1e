/** `--out json=results.json`: the results as they are, compact (an hour of time buckets is large). */
import type { RunResults } from './types.js';

export function resultsJson(results: RunResults): string {
  return `${JSON.stringify(results)}\n`;
}
