/**
 * Human-readable numbers for the text summary, in k6's style: durations as "250µs", "1.23ms",
 * "1.5s", "1m2s"; bytes in decimal units "1.2 kB"; rates as truncated percentages "83.33%".
 */
import type { MetricType, ValueKind } from '../types.js';

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** A metric value as the summary shows it: by the metric's type (rate) or value kind (time, data). */
export function formatValue(value: number, type: MetricType, contains: ValueKind): string {
  if (type === 'rate') return formatPercent(value);
  if (contains === 'time') return formatDuration(value);
  if (contains === 'data') return formatBytes(value);
  return trimmedFixed(value, 6);
}

/** A fraction as a percentage with two decimals, truncated so 99.999% never reads as 100.00%. */
export function formatPercent(fraction: number): string {
  // Rounding to 1e-6 first keeps float noise (0.29 * 10000 = 2899.9999…) from losing a digit.
  const hundredths = Math.trunc(Number((fraction * 10_000).toFixed(6)));
  return `${(hundredths / 100).toFixed(2)}%`;
}

/** Milliseconds, with the largest fitting unit; truncated to two decimals. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${truncatedFixed(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncatedFixed(ms, 2)}ms`;
  const overAMinute = ms > 60_000;
  const seconds = `${truncatedFixed((ms % 60_000) / 1000, overAMinute ? 0 : 2)}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 1) return seconds;
  const hours = Math.trunc(minutes / 60);
  return hours < 1 ? `${minutes}m${seconds}` : `${hours}h${minutes % 60}m${seconds}`;
}

/** Bytes in decimal units, one decimal below 10: "512 B", "1.2 kB", "34 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  if (bytes < 10) return `${trimmedFixed(bytes, 2)} B`;
  const exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1000)), BYTE_UNITS.length - 1);
  const scaled = bytes / 1000 ** exponent;
  const text = scaled < 9.95 ? scaled.toFixed(1) : Math.round(scaled).toFixed(0);
  return `${text} ${BYTE_UNITS[exponent] ?? 'B'}`;
}

/** `value` with at most `digits` decimals, trailing zeros dropped. */
export function trimmedFixed(value: number, digits: number): string {
  return String(Number(value.toFixed(digits)));
}

function truncatedFixed(value: number, digits: number): string {
  const factor = 10 ** digits;
  // As in formatPercent: 0.29 * 100 is 28.999…, which must truncate to 29.
  return trimmedFixed(Math.trunc(Number((value * factor).toFixed(6))) / factor, digits);
}
