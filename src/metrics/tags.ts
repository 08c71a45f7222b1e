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

/**
 * The tags wsk sets on samples itself: k6's system tags, and `close_code` (ws_errors of a socket
 * closed abnormally). `options.systemTags` lists those that samples keep; a tag a script sets under one
 * of these names counts as the system tag. wsk does not set ip, ocsp_status, subproto, tls_version,
 * service, vu or iter; they are accepted so that a k6 script's list works unchanged.
 */
export const SYSTEM_TAGS: readonly string[] = [
  'proto', 'subproto', 'status', 'method', 'url', 'name', 'group', 'check', 'error', 'error_code', 'tls_version',
  'scenario', 'service', 'expected_response', 'ip', 'ocsp_status', 'vu', 'iter', 'close_code',
];

/** What samples keep when `options.systemTags` is not set: k6's default list, and `close_code`. */
export const DEFAULT_SYSTEM_TAGS: readonly string[] = [
  'proto', 'subproto', 'status', 'method', 'url', 'name', 'group', 'check', 'error', 'error_code', 'tls_version',
  'scenario', 'service', 'expected_response', 'close_code',
];

/**
 * The tags a sample's series is keyed by. System tags that `options.systemTags` leaves out are
 * dropped; and a sample that has a name other than its url (http.url`...`, a `name` tag) is keyed by
 * the name alone, since a url carrying ids would make a series (and its memory) per request.
 * The tags objects of the samples are left whole: a socket reads its url back from its own.
 */
export class SeriesTags {
  readonly #dropped: ReadonlySet<string>;
  readonly #keepsName: boolean;
  // Hot callers pass the same tags object for many samples (a socket's, a request's for each of its metrics).
  readonly #cache = new WeakMap<Tags, Tags>();

  constructor(systemTags: readonly string[] = DEFAULT_SYSTEM_TAGS) {
    const kept = new Set(systemTags);
    this.#dropped = new Set(SYSTEM_TAGS.filter((tag) => !kept.has(tag)));
    this.#keepsName = kept.has('name');
  }

  /** `tags` itself when the series keeps them all, else a copy without the dropped ones. */
  of(tags: Tags): Tags {
    const cached = this.#cache.get(tags);
    if (cached !== undefined) return cached;
    const dropUrl = this.#dropsUrl(tags);
    // Most samples keep every tag: no copy, and no cache entry for a tags object that may be used once.
    if (!dropUrl && !this.#hasDropped(tags)) return tags;
    const series = this.#without(tags, dropUrl);
    this.#cache.set(tags, series);
    return series;
  }

  #hasDropped(tags: Tags): boolean {
    if (this.#dropped.size === 0) return false;
    for (const name in tags) if (this.#dropped.has(name)) return true;
    return false;
  }

  #dropsUrl(tags: Tags): boolean {
    const { url, name } = tags;
    return this.#keepsName && url !== undefined && name !== undefined && name !== url;
  }

  #without(tags: Tags, dropUrl: boolean): Tags {
    let kept: Record<string, string> | undefined;
    for (const name of Object.keys(tags)) {
      if (!this.#dropped.has(name) && !(dropUrl && name === 'url')) continue;
      kept ??= { ...tags };
      delete kept[name];
    }
    return kept ?? tags;
  }
}

/** The tag sets of tagsKey, read back: [name, value] pairs in key order. */
export function tagsOfKey(key: string): [name: string, value: string][] {
  const pairs: [string, string][] = [];
  let at = 0;
  const next = (): string => {
    const colon = key.indexOf(':', at);
    const length = Number(key.slice(at, colon));
    const text = key.slice(colon + 1, colon + 1 + length);
    at = colon + 1 + length;
    return text;
  };
  while (at < key.length) pairs.push([next(), next()]);
  return pairs;
}
