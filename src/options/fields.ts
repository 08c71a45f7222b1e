/**
 * Reading one object of user options with errors that name the option's path, the bad value and what
 * is allowed. `null` counts as not set, as it does in k6's JSON options.
 */
import { parseDuration } from '../duration.js';
import { configError, quote, type WskError } from '../errors.js';
import type { StageMs } from '../types.js';
import { closestName } from './schema.js';

export type Fields = Readonly<Record<string, unknown>>;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `path: invalid value <quoted>; <allowed>` */
export function invalidOption(path: string, value: unknown, allowed: string): WskError {
  return configError('INVALID_OPTION', `${path}: invalid value ${quote(value)}; ${allowed}`);
}

export class FieldReader {
  constructor(
    private readonly fields: Fields,
    readonly path: string,
  ) {}

  pathOf(key: string): string {
    return `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.fields[key] !== undefined && this.fields[key] !== null;
  }

  raw(key: string): unknown {
    return this.has(key) ? this.fields[key] : undefined;
  }

  /** An integer ≥ `min`; `fallback` when not set, or an error naming `needed` when there is none. */
  integer(key: string, min: number, fallback?: number, needed = 'a number'): number {
    if (!this.has(key)) return fallback ?? this.fail(`missing ${key}; it needs ${needed}`);
    const value = this.fields[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
    throw invalidOption(this.pathOf(key), value, min === 0 ? 'use a non-negative integer' : `use an integer >= ${min}`);
  }

  /** A duration in milliseconds; above 0 when `positive`. */
  duration(key: string, fallbackMs?: number, { positive = false } = {}): number {
    if (!this.has(key)) return fallbackMs ?? this.fail(`missing ${key}; it needs a duration such as "30s"`);
    const ms = parseDuration(this.fields[key], this.pathOf(key));
    if (positive && ms === 0) throw invalidOption(this.pathOf(key), this.fields[key], 'use a duration above 0, such as "30s"');
    return ms;
  }

  /** A non-empty string. */
  string(key: string, fallback: string): string {
    if (!this.has(key)) return fallback;
    const value = this.fields[key];
    if (typeof value === 'string' && value.length > 0) return value;
    throw invalidOption(this.pathOf(key), value, 'use a non-empty string');
  }

  /** An object whose values are all strings (env, tags). */
  stringMap(key: string): Readonly<Record<string, string>> {
    if (!this.has(key)) return {};
    const value = this.fields[key];
    if (!isFields(value)) throw invalidOption(this.pathOf(key), value, 'use an object of string values');
    for (const [name, entry] of Object.entries(value)) {
      if (typeof entry !== 'string') throw invalidOption(`${this.pathOf(key)}.${name}`, entry, 'use a string');
    }
    return { ...(value as Record<string, string>) };
  }

  /** A non-empty array of `{ duration, target }`; `targets` says what the target counts, for errors. */
  stages(key: string, targets: string): StageMs[] {
    if (!this.has(key)) return this.fail(`missing ${key}; it needs at least one stage of { duration, target }`);
    const value = this.fields[key];
    if (!Array.isArray(value) || value.length === 0) {
      throw invalidOption(this.pathOf(key), value, 'use a non-empty array of { duration, target }');
    }
    return value.map((stage: unknown, i) => readStage(stage, `${this.pathOf(key)}[${i}]`, targets));
  }

  /** Rejects keys outside `allowed`, naming them, the allowed ones and the closest when it looks like a typo. */
  onlyKeys(allowed: readonly string[], owner: string): void {
    for (const key of Object.keys(this.fields)) {
      if (!allowed.includes(key)) {
        const closest = closestName(key, allowed);
        throw configError(
          'INVALID_OPTION',
          `${this.path}: unknown option ${quote(key)} for ${owner}; allowed: ${allowed.join(', ')}` +
            (closest === undefined ? '' : `; did you mean ${quote(closest)}?`),
        );
      }
    }
  }

  fail(message: string): never {
    throw configError('INVALID_OPTION', `${this.path}: ${message}`);
  }
}

function readStage(stage: unknown, path: string, targets: string): StageMs {
  if (!isFields(stage)) throw invalidOption(path, stage, 'use an object { duration, target }');
  const fields = new FieldReader(stage, path);
  fields.onlyKeys(['duration', 'target'], 'a stage');
  return {
    durationMs: fields.duration('duration'),
    target: fields.integer('target', 0, undefined, `a target number of ${targets}`),
  };
}
