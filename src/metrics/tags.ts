/**
 * Series identity: a metric's samples are aggregated per distinct tag set, keyed by the sorted tags.
 */
import type { Tags } from '../types.js';

/**
 * A string that is equal for equal tag sets, whatever the key order. Each name and value is
 * length-prefixed, so no tag text can forge another set's key ({a:'1,b:2'} vs {a:'1', b:'2'}).
 */
export function tagsKey(tags: Tags): string {
  const names = Object.keys(tags);
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) {
    const value = tags[name] ?? '';
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/** True when `tags` has every tag of `filter` with the same value ({} matches everything). */
export function tagsInclude(tags: Tags, filter: Tags): boolean {
  for (const name in filter) {
    if (!Object.hasOwn(tags, name) || tags[name] !== filter[name]) return false;
  }
  return true;
}
