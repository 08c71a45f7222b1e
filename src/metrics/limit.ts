/**
 * The series limit of one metric. A tag whose values are new on every sample (a URL with an id in
 * it, a timestamp) makes a series per sample, and memory grows for as long as the test runs. A metric
 * keeps its first `max` tag sets. When one more arrives, the tags whose values exploded are named
 * once (those with the most distinct values), and from then on a new tag set counts with those tags
 * reading "(other)". Folded tag sets that still differ (in another tag) get up to a tenth of `max`
 * series more; anything new after that counts in one last series.
 */
import type { Tags } from '../types.js';
import { SYSTEM_TAGS, tagsKey, tagsOfKey } from './tags.js';

export const MAX_SERIES_PER_METRIC = 10_000;
/** What a folded tag reads. */
export const OTHER_VALUE = '(other)';

export interface FoldedTag {
  readonly name: string;
  /** Its distinct values when folding started. */
  readonly values: number;
}

/** Where a sample counts: its series key and tags. */
export interface SeriesPlace {
  readonly key: string;
  readonly tags: Tags;
  /** Set on the one call that made the metric start folding: the tags it folds. */
  readonly startedFolding?: readonly FoldedTag[];
}

export class SeriesLimit {
  readonly #max: number;
  readonly #known = new Set<string>();
  #folding: readonly FoldedTag[] | undefined;
  #extra = 0;

  constructor(max: number = MAX_SERIES_PER_METRIC) {
    if (!(Number.isInteger(max) && max > 0)) throw new RangeError(`a series limit must be a positive integer; got ${String(max)}`);
    this.#max = max;
  }

  /** The tags being folded; undefined while the metric is within its limit. */
  get folding(): readonly FoldedTag[] | undefined {
    return this.#folding;
  }

  /** Where a sample with these tags (and their tagsKey) counts: its own series while there is room, else a folded one. */
  place(key: string, tags: Tags): SeriesPlace {
    const known = this.#known;
    if (known.has(key)) return { key, tags };
    if (known.size < this.#max) {
      known.add(key);
      return { key, tags };
    }
    const started = this.#folding === undefined;
    const folding = (this.#folding ??= this.#explodedTags());
    let place = this.#fold(tags, folding);
    if (started) place = { ...place, startedFolding: folding };
    return place;
  }

  #fold(tags: Tags, folding: readonly FoldedTag[]): SeriesPlace {
    const folded: Record<string, string> = { ...tags };
    for (const { name } of folding) if (Object.hasOwn(folded, name)) folded[name] = OTHER_VALUE;
    const key = tagsKey(folded);
    if (this.#known.has(key)) return { key, tags: folded };
    if (this.#extra < Math.ceil(this.#max / 10)) {
      this.#extra++;
      this.#known.add(key);
      return { key, tags: folded };
    }
    const last = Object.fromEntries(folding.map(({ name }) => [name, OTHER_VALUE]));
    const lastKey = tagsKey(last);
    this.#known.add(lastKey);
    return { key: lastKey, tags: last };
  }

  /** The tags with the most distinct values among the known tag sets (at least half as many as the most). */
  #explodedTags(): FoldedTag[] {
    const values = new Map<string, Set<string>>();
    for (const key of this.#known) {
      for (const [name, value] of tagsOfKey(key)) {
        let seen = values.get(name);
        if (seen === undefined) values.set(name, (seen = new Set()));
        seen.add(value);
      }
    }
    let most = 0;
    for (const seen of values.values()) most = Math.max(most, seen.size);
    return [...values]
      .filter(([, seen]) => seen.size > 1 && seen.size * 2 >= most)
      .map(([name, seen]) => ({ name, values: seen.size }))
      .sort((a, b) => b.values - a.values || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/**
 * The warnings of one aggregation (a worker's, the coordinator's): one per folded tag for the run, as
 * all the metrics of a request reach the limit together and fold the same tags.
 */
export class FoldWarnings {
  readonly #named = new Set<string>();

  constructor(private readonly max: number) {}

  /** The warning for `metric` starting to fold `folded`; undefined when those tags were named already. */
  warning(metric: string, folded: readonly FoldedTag[]): string | undefined {
    const names = folded.length === 0 ? [''] : folded.map(({ name }) => name);
    if (names.every((name) => this.#named.has(name))) return undefined;
    for (const name of names) this.#named.add(name);
    return foldWarning(metric, this.max, folded);
  }
}

/** The one-line warning for a metric that started folding: what happened, to which tags, and what to do. */
export function foldWarning(metric: string, max: number, folded: readonly FoldedTag[]): string {
  const names = folded.map(({ name }) => JSON.stringify(name));
  const counts = folded.map(({ values }) => String(values));
  const what =
    folded.length === 0
      ? `its tag sets differ in which tags they have; new tag sets now count in one series without tags`
      : `${folded.length === 1 ? 'tag' : 'tags'} ${andList(names)} took ${andList(counts)} distinct values; new values now count as "${OTHER_VALUE}" in every metric that reaches the limit`;
  return `${metric} reached ${max} series, the most one metric keeps: ${what}. ${advice(folded)}`;
}

function advice(folded: readonly FoldedTag[]): string {
  const names = folded.map(({ name }) => name);
  if (names.includes('url') || names.includes('name')) return 'Name the requests (http.url`...` or a name tag) so that they share series.';
  const system = names.filter((name) => SYSTEM_TAGS.includes(name));
  if (system.length > 0) return `Leave ${andList(system.map((name) => JSON.stringify(name)))} out of options.systemTags.`;
  return 'Keep values that differ on every sample (ids, times) out of tags.';
}

function andList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
