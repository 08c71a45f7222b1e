/**
 * Durations as k6 writes them (Go's `time.ParseDuration` plus k6's extensions), in milliseconds.
 *
 * Grammar of a duration string:
 *   duration := integer                  plain integer string: milliseconds ("1500")
 *             | part+                    "1h2m3s4ms", "2.5s", "0s"
 *   part     := number unit
 *   number   := digits ("." digits?)? | "." digits
 *   unit     := "ns" | "us" | "µs" | "μs" | "ms" | "s" | "m" | "h" | "d"
 * A JSON number is milliseconds too. Negative durations are rejected.
 */
import { configError, quote } from './errors.js';

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

/** Parses a k6 duration (string or number of milliseconds) into milliseconds; `where` names its source in errors. */
export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidDuration(value, where);
    if (value < 0) throw negativeDuration(value, where);
    return value;
  }
  if (typeof value !== 'string') throw invalidDuration(value, where);
  if (value.startsWith('-')) throw negativeDuration(value, where);
  if (PLAIN_INTEGER.test(value)) return Number(value);

  const text = value.startsWith('+') ? value.slice(1) : value;
  let totalNs = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (match === null) throw invalidDuration(value, where);
    const [, amount = '', unit = ''] = match;
    // Rounding each part to whole nanoseconds keeps "1.1s" at exactly 1100 ms, as Go's integer parsing does.
    totalNs += Math.round(Number(amount) * (NS_PER_UNIT[unit] ?? Number.NaN));
  }
  if (text.length === 0 || !Number.isFinite(totalNs)) throw invalidDuration(value, where);
  return totalNs / NS_PER_MS;
}

function invalidDuration(value: unknown, where: string): Error {
  return configError(
    'INVALID_DURATION',
    `${where}: invalid duration ${quote(value)}; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")`,
  );
}

function negativeDuration(value: unknown, where: string): Error {
  return configError('INVALID_DURATION', `${where}: invalid duration ${quote(value)}; a duration cannot be negative`);
}
