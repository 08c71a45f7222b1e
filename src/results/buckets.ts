/**
 * Metrics over time: the workers' batches aggregated into fixed time buckets, per metric over all
 * tags and per value of each breakdown tag (scenario, name, status, ...).
 *
 * Memory stays bounded however long the run: only the current and the previous bucket hold
 * aggregates (trend histograms); older buckets are turned into numbers (see column.ts) and their
 * histograms dropped. Batches arrive roughly in time order, so a batch for a bucket already closed
 * is counted in the oldest open one rather than lost.
 */
import { createSeriesState, type SeriesState } from '../metrics/series.js';
import type { MetricBatch, SeriesBatch } from '../metrics/sink.js';
import { tagsKey } from '../metrics/tags.js';
import type { MetricDefinition, Tags } from '../types.js';
import { bucketValues, Column, COLUMNS_BY_TYPE, type ColumnName } from './column.js';
import type { SeriesColumns, TimeSeries } from './types.js';

export const DEFAULT_BUCKET_MS = 1000;
export const DEFAULT_MAX_VALUES_PER_TAG = 50;
/** Tags every run breaks metrics down by; the run adds the names the script sets in `options.tags`. */
export const DEFAULT_BREAKDOWN_TAGS: readonly string[] = ['scenario', 'name', 'status', 'method', 'error', 'error_code', 'check'];

export interface TimeBucketsOptions {
  readonly bucketMs: number;
  /** Epoch ms of bucket 0's start; earlier batches count in bucket 0. */
  readonly startMs: number;
  readonly definitions: (name: string) => MetricDefinition | undefined;
  readonly breakdownTags: readonly string[];
  /** Values of one tag broken down per metric; later values count only in the all-tags series. Default 50. */
  readonly maxValuesPerTag?: number;
}

/** One output series: a metric over all its samples ({}) or those with one value of one breakdown tag. */
interface Track {
  readonly definition: MetricDefinition;
  readonly tags: Tags;
  /** -1 for the all-tags series, else the breakdown tag's position: orders the output. */
  readonly tagOrder: number;
  readonly columns: ReadonlyMap<ColumnName, Column>;
}

interface OpenBucket {
  readonly index: number;
  readonly aggregates: Map<Track, SeriesState>;
}

export class TimeBuckets {
  private readonly bucketMs: number;
  private readonly startMs: number;
  private readonly maxValuesPerTag: number;
  private readonly breakdownTags: readonly string[];
  private readonly tracks = new Map<string, Track>();
  /** Breakdown values taken per metric and tag, for the cap. */
  private readonly valuesTaken = new Map<string, number>();
  /** The tracks each worker series feeds, by metric and series key. */
  private readonly routes = new Map<string, readonly Track[]>();
  /** Oldest first; at most two: the newest bucket and the one before it. */
  private readonly open: OpenBucket[] = [];
  private lastIndex = -1;

  constructor(private readonly options: TimeBucketsOptions) {
    if (!(Number.isFinite(options.bucketMs) && options.bucketMs > 0)) {
      throw new RangeError(`bucketMs must be a positive number of milliseconds; got ${String(options.bucketMs)}`);
    }
    this.bucketMs = options.bucketMs;
    this.startMs = options.startMs;
    this.maxValuesPerTag = options.maxValuesPerTag ?? DEFAULT_MAX_VALUES_PER_TAG;
    // A tag named twice (a script tag that is also a default one) must not count twice.
    this.breakdownTags = [...new Set(options.breakdownTags)];
  }

  /** Adds a worker's batch to the bucket holding `atMs`, the wall-clock ms it arrived. */
  add(batch: MetricBatch, atMs: number): void {
    if (batch.series.length === 0) return;
    const bucket = this.bucketAt(this.indexOf(atMs));
    for (const series of batch.series) {
      const tracks = this.routeOf(series, batch);
      const [only] = tracks;
      if (tracks.length === 1 && only !== undefined) {
        this.aggregateOf(bucket, only).merge(series.data);
        continue;
      }
      // Decode once (a trend's histogram), then add the decoded aggregate to every track.
      const decoded = createSeriesState(series.data.type);
      decoded.merge(series.data);
      for (const track of tracks) this.aggregateOf(bucket, track).absorb(decoded);
      decoded.destroy();
    }
  }

  /**
   * Every series' columns up to `endMs`, plus any bucket a batch arrived in after it (the workers'
   * final drain), so no sample is left out. Open buckets are read, not closed: the live view may
   * call this during the run.
   */
  columns(endMs: number): TimeSeries {
    const buckets = Math.max(Math.ceil((endMs - this.startMs) / this.bucketMs), this.lastIndex + 1, 0);
    const pending = new Map<Track, Map<number, Partial<Record<ColumnName, number>>>>();
    for (const bucket of this.open) {
      for (const [track, state] of bucket.aggregates) {
        const values = bucketValues(state.aggregate());
        if (values === undefined) continue;
        let byIndex = pending.get(track);
        if (byIndex === undefined) pending.set(track, (byIndex = new Map()));
        byIndex.set(bucket.index, values);
      }
    }
    const series = [...this.tracks.values()].sort(compareTracks).map((track) => {
      const column = (name: ColumnName): (number | null)[] => {
        const values = track.columns.get(name)?.toArray(buckets) ?? new Array<null>(buckets).fill(null);
        for (const [index, open] of pending.get(track) ?? []) {
          const value = open[name];
          if (index < buckets && value !== undefined) values[index] = value;
        }
        return values;
      };
      return seriesColumns(track, column);
    });
    return { bucketMs: this.bucketMs, startMs: this.startMs, buckets, series };
  }

  /** Buckets holding aggregates (histograms) now; never more than two. */
  get openBuckets(): number {
    return this.open.length;
  }

  /** Frees the open buckets' histograms. */
  dispose(): void {
    for (const bucket of this.open) for (const state of bucket.aggregates.values()) state.destroy();
    this.open.length = 0;
  }

  private indexOf(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.startMs) / this.bucketMs));
  }

  private bucketAt(index: number): OpenBucket {
    const existing = this.open.find((bucket) => bucket.index === index);
    if (existing !== undefined) return existing;
    if (index > this.lastIndex) {
      while (this.open[0] !== undefined && this.open[0].index < index - 1) this.close(this.open[0]);
      this.lastIndex = index;
      return this.opened(index);
    }
    // Still the previous bucket (not opened yet, as nothing arrived for it), or one already closed.
    if (index === this.lastIndex - 1) return this.opened(index);
    return this.open[0] ?? this.opened(this.lastIndex);
  }

  private opened(index: number): OpenBucket {
    const bucket: OpenBucket = { index, aggregates: new Map() };
    this.open.push(bucket);
    this.open.sort((a, b) => a.index - b.index);
    return bucket;
  }

  private close(bucket: OpenBucket): void {
    for (const [track, state] of bucket.aggregates) {
      const values = bucketValues(state.aggregate());
      state.destroy();
      if (values === undefined) continue;
      for (const [name, column] of track.columns) {
        const value = values[name];
        if (value !== undefined) column.set(bucket.index, value);
      }
    }
    this.open.splice(this.open.indexOf(bucket), 1);
  }

  private aggregateOf(bucket: OpenBucket, track: Track): SeriesState {
    let state = bucket.aggregates.get(track);
    if (state === undefined) {
      state = createSeriesState(track.definition.type);
      bucket.aggregates.set(track, state);
    }
    return state;
  }

  /** The all-tags track and one track per breakdown tag the series carries (within the cap). */
  private routeOf(series: SeriesBatch, batch: MetricBatch): readonly Track[] {
    const routeKey = `${series.metric}\n${series.key}`;
    const known = this.routes.get(routeKey);
    if (known !== undefined) return known;
    const definition = this.definitionOf(series, batch);
    const route = [this.trackOf(definition, {}, -1)];
    this.breakdownTags.forEach((tag, tagOrder) => {
      const value = series.tags[tag];
      if (value === undefined || !Object.hasOwn(series.tags, tag)) return;
      const track = this.tracks.get(trackKey(definition, { [tag]: value })) ?? this.newBreakdownTrack(definition, tag, value, tagOrder);
      if (track !== undefined) route.push(track);
    });
    this.routes.set(routeKey, route);
    return route;
  }

  private definitionOf(series: SeriesBatch, batch: MetricBatch): MetricDefinition {
    return (
      this.options.definitions(series.metric) ??
      batch.definitions.find((definition) => definition.name === series.metric) ?? {
        name: series.metric,
        type: series.data.type,
        contains: 'default',
      }
    );
  }

  private trackOf(definition: MetricDefinition, tags: Tags, tagOrder: number): Track {
    const key = trackKey(definition, tags);
    let track = this.tracks.get(key);
    if (track === undefined) {
      const columns = new Map<ColumnName, Column>(COLUMNS_BY_TYPE[definition.type].map((name) => [name, new Column()]));
      track = { definition, tags, tagOrder, columns };
      this.tracks.set(key, track);
    }
    return track;
  }

  /** A track for one more value of a breakdown tag; undefined once the metric has maxValuesPerTag of that tag. */
  private newBreakdownTrack(definition: MetricDefinition, tag: string, value: string, tagOrder: number): Track | undefined {
    const capKey = `${definition.name}\n${tag}`;
    const taken = this.valuesTaken.get(capKey) ?? 0;
    if (taken >= this.maxValuesPerTag) return undefined;
    this.valuesTaken.set(capKey, taken + 1);
    return this.trackOf(definition, { [tag]: value }, tagOrder);
  }
}

function trackKey(definition: MetricDefinition, tags: Tags): string {
  return `${definition.name}\n${tagsKey(tags)}`;
}

function compareTracks(a: Track, b: Track): number {
  if (a.definition.name !== b.definition.name) return a.definition.name < b.definition.name ? -1 : 1;
  if (a.tagOrder !== b.tagOrder) return a.tagOrder - b.tagOrder;
  const [valueA = ''] = Object.values(a.tags);
  const [valueB = ''] = Object.values(b.tags);
  return valueA < valueB ? -1 : valueA > valueB ? 1 : 0;
}

function seriesColumns(track: Track, column: (name: ColumnName) => (number | null)[]): SeriesColumns {
  const { name: metric, type, contains } = track.definition;
  const tags = track.tags;
  switch (type) {
    case 'counter':
      return { metric, type, contains, tags, sum: column('sum') };
    case 'gauge':
      return { metric, type, contains, tags, value: column('value') };
    case 'rate':
      return { metric, type, contains, tags, passes: column('passes'), samples: column('samples') };
    case 'trend':
      return {
        metric,
        type,
        contains,
        tags,
        count: column('count'),
        avg: column('avg'),
        min: column('min'),
        p50: column('p50'),
        p90: column('p90'),
        p95: column('p95'),
        p99: column('p99'),
        max: column('max'),
      };
  }
}
