/**
 * The two pieces of option grammar that both the host (`src/`) and the sandbox runtime (`runtime/`)
 * need: durations and metric names. Node-free and import-free, so the runtime's esbuild bundle and
 * its tsconfig (no Node types) take it as it is. Callers turn a `false`/problem into their own error.
 *
 * Durations as k6 writes them (Go's `time.ParseDuration` plus k6's extensions), in milliseconds:
 *   duration := integer                  plain integer string: milliseconds ("1500")
 *             | "+"? part+               "1h2m3s4ms", "2.5s", "0s"
 *   part     := number unit
 *   number   := digits ("." digits?)? | "." digits
 *   unit     := "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h" | "d"
 * A number is milliseconds too. Negative durations are rejected.
 *
 * Metric names (k6's rule): a letter or "_" followed by letters, digits or "_", at most 128 characters.
 */

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu, which Go accepts too
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86_400e9,
};
// Longer units first so "ms" is not read as "m" followed by a stray "s".
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;
const PLAIN_INTEGER = /^\d+$/;
const NS_PER_MS = 1e6;

export type DurationReading = { readonly ms: number } | { readonly problem: 'invalid' | 'negative' };

/** Reads a k6 duration (string, or number of milliseconds). */
export function readDuration(value: unknown): DurationReading {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: 'invalid' };
    return value < 0 ? { problem: 'negative' } : { ms: value };
  }
  if (typeof value !== 'string') return { problem: 'invalid' };
  if (value.startsWith('-')) return { problem: 'negative' };
  if (PLAIN_INTEGER.test(value)) return { ms: Number(value) };

  const text = value.startsWith('+') ? value.slice(1) : value;
  if (text.length === 0) return { problem: 'invalid' };
  let totalNs = 0;
  const part = new RegExp(PART.source, 'y');
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (match === null) return { problem: 'invalid' };
    const [, amount = '', unit = ''] = match;
    // Rounding each part to whole nanoseconds keeps "1.1s" at exactly 1100 ms, as Go's integer parsing does.
    totalNs += Math.round(Number(amount) * (NS_PER_UNIT[unit] ?? Number.NaN));
  }
  return Number.isFinite(totalNs) ? { ms: totalNs / NS_PER_MS } : { problem: 'invalid' };
}

export const METRIC_NAME_MAX = 128;
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What a metric name may be, for error messages. */
export const METRIC_NAME_RULE = `a letter or "_" followed by letters, digits or "_", at most ${METRIC_NAME_MAX} characters`;

export function isMetricName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= METRIC_NAME_MAX && METRIC_NAME.test(name);
}
