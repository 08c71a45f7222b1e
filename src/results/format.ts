/**
 * Numbers as the file outputs write them: plain numbers for machines (CSV), numbers with units for
 * people (JUnit messages, Markdown): milliseconds for time, decimal byte units for data.
 */
import { formatBytes, formatPercent, trimmedFixed } from '../summary/format.js';
import type { MetricType, ValueKind } from '../types.js';

/** A number for a machine-read cell: at most 6 decimals, so float noise (0.30000000000000004) stays out. */
export function plainNumber(value: number): string {
  return trimmedFixed(value, 6);
}

/** A value of a metric with its unit: "612.3 ms", "1.2 kB", "42". */
export function withUnit(value: number, contains: ValueKind): string {
  if (contains === 'time') return `${trimmedFixed(value, 2)} ms`;
  if (contains === 'data') return formatBytes(value);
  return trimmedFixed(value, 3);
}

/** A per-second rate with its unit: "20.5/s", "1.2 kB/s". */
export function perSecond(value: number, contains: ValueKind): string {
  return contains === 'data' ? `${formatBytes(value)}/s` : `${trimmedFixed(value, 2)}/s`;
}

/** The aggregation an expression compares, as written: "p(95)" of "p(95)<500". */
export function aggregationOf(expression: string): string {
  return /^\s*([A-Za-z]+\s*(?:\([^()]*\))?)/.exec(expression)?.[1]?.replace(/\s+/g, '') ?? expression;
}

/**
 * What a threshold's aggregation observed, with the unit it is in: a rate metric's rate as a
 * percentage, a counter's rate per second, counts bare, everything else in the metric's unit.
 */
export function formatObserved(value: number, aggregation: string, type: MetricType | undefined, contains: ValueKind): string {
  if (aggregation === 'rate') return type === 'rate' ? formatPercent(value) : perSecond(value, contains);
  if (aggregation === 'count' && type === 'trend') return trimmedFixed(value, 3);
  // Exact bytes: the number the threshold compared, which "2.0 kB" would round.
  if (contains === 'data') return `${trimmedFixed(value, 3)} B`;
  return withUnit(value, contains);
}
