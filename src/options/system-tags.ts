/**
 * `options.systemTags` (k6): which of the tags wsk sets itself samples keep. Leaving out a tag whose
 * values differ on every request (url) keeps the number of series, and the memory they take, small.
 */
import { DEFAULT_SYSTEM_TAGS, SYSTEM_TAGS } from '../metrics/tags.js';
import type { ScriptOptions } from '../types.js';
import { FieldReader, invalidOption } from './fields.js';

export function readSystemTags(options: ScriptOptions): readonly string[] {
  const value = new FieldReader(options, 'options').raw('systemTags');
  if (value === undefined) return DEFAULT_SYSTEM_TAGS;
  if (!Array.isArray(value)) throw invalidOption('options.systemTags', value, `use an array of tag names, e.g. ["status", "method", "name"]; allowed: ${SYSTEM_TAGS.join(', ')}`);
  value.forEach((tag: unknown, i) => {
    if (typeof tag !== 'string' || !SYSTEM_TAGS.includes(tag)) throw invalidOption(`options.systemTags[${i}]`, tag, `allowed: ${SYSTEM_TAGS.join(', ')}`);
  });
  return [...new Set(value as string[])];
}
