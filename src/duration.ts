/**
 * Durations as k6 writes them, in milliseconds, with wsk's error for a bad one. The grammar itself
 * lives in options/grammar.ts, which the sandbox runtime shares.
 */
import { configError, quote } from './errors.js';
import { readDuration } from './options/grammar.js';

/** Parses a k6 duration (string or number of milliseconds) into milliseconds; `where` names its source in errors. */
export function parseDuration(value: unknown, where: string): number {
  const reading = readDuration(value);
  if ('ms' in reading) return reading.ms;
  if (reading.problem === 'negative') {
    throw configError('INVALID_DURATION', `${where}: invalid duration ${quote(value)}; a duration cannot be negative`);
  }
  throw configError(
    'INVALID_DURATION',
    `${where}: invalid duration ${quote(value)}; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")`,
  );
}
