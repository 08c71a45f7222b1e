/**
 * Coordinator side of the metrics engine: merges the workers' batches into one aggregate per series
 * and answers snapshots of metrics and submetrics (series filtered by tags) for thresholds and the
 * summary. Snapshot aggregates are cached per (metric, filter) until the metric changes again.
 * Each worker limits the tag sets of a metric; the store limits them again over all workers, as
 * workers that each stay within the limit can pass it together.
 */
import { quote } from '../errors.js';
import type { MetricDefinition, MetricSnapshotView, MetricType, Tags } from '../types.js';
import type { MetricRegistry } from './registry.js';
import { createSeriesState, TrendSeries, wallClockMs, type Aggregate, type SeriesState } from './series.js';
import type { MetricBatch } from './sink.js';
import type { EncodedTrend } from './hdr.js';
import { FoldWarnings, MAX_SERIES_PER_METRIC, SeriesLimit } from './limit.js';
import { tagsInclude, tagsKey } from './tags.js';
import { SnapshotView } from './view.js';

interface StoredSeries {
  readonly tags: Tags;
  readonly state: SeriesState;
}

interface StoredMetric {
  readonly definition: MetricDefinition;
  /** By tagsKey; a tag set past the limit is found under the key of the series it folds into. */
  readonly series: Map<string, StoredSeries>;
  readonly limit: SeriesLimit;
  /** Bumped on every change, to invalidate cached aggregates. */
  version: number;
  readonly cache: Map<string, { readonly version: number; readonly aggregate: Aggregate | undefined }>;
}

export interface MetricStoreOptions {
  /** Distinct tag sets one metric keeps before new ones fold (default MAX_SERIES_PER_METRIC). */
  readonly maxSeriesPerMetric?: number;
  /** Told once per folded tag, in one line, when a metric starts folding. */
  readonly warn?: (text: string) => void;
}

export class MetricStore {
  private readonly metrics = new Map<string, StoredMetric>();
  private readonly maxSeries: number;
  private readonly foldWarnings: FoldWarnings;

  constructor(
    private readonly registry: MetricRegistry,
    private readonly options: MetricStoreOptions = {},
  ) {
    this.maxSeries = options.maxSeriesPerMetric ?? MAX_SERIES_PER_METRIC;
    this.foldWarnings = new FoldWarnings(this.maxSeries);
  }

  /**
   * Merges a worker's batch. Custom metrics it carries are defined in the registry, so a name
   * defined with different types by two workers throws the registry's WskError.
   */
  merge(batch: MetricBatch): void {
    for (const { name, type, contains } of batch.definitions) this.registry.define(name, type, contains);
    for (const { metric, key, tags, data } of batch.series) {
      const stored = this.stored(metric, data.type);
      this.seriesOf(stored, key, tags).state.merge(data);
      stored.version++;
    }
  }

  /** Aggregate over every series of `metric` whose tags include all of `tags` ({} = the whole metric); undefined if none. */
  snapshot(metric: string, tags: Tags, elapsedMs: number): MetricSnapshotView | undefined {
    const stored = this.metrics.get(metric);
    if (stored === undefined) return undefined;
    const filter = tagsKey(tags);
    let cached = stored.cache.get(filter);
    if (cached === undefined || cached.version !== stored.version) {
      cached = { version: stored.version, aggregate: aggregateOf(stored, tags) };
      stored.cache.set(filter, cached);
    }
    return cached.aggregate === undefined ? undefined : new SnapshotView(stored.definition, cached.aggregate, elapsedMs);
  }

  /** Each series of `metric` on its own (e.g. per-check passes for the summary); counter rates use `elapsedMs`. */
  *series(metric: string, elapsedMs = 0): Iterable<{ tags: Tags; view: MetricSnapshotView }> {
    const stored = this.metrics.get(metric);
    if (stored === undefined) return;
    for (const { tags, state } of stored.series.values()) {
      yield { tags, view: new SnapshotView(stored.definition, state.aggregate(), elapsedMs) };
    }
  }

  /**
   * `metric` split by a value of its series' tags (`groupOf` returns undefined to leave a series
   * out): one aggregate per value, in one pass over the series, however many values there are.
   */
  groupedBy(metric: string, groupOf: (tags: Tags) => string | undefined, elapsedMs: number): Map<string, MetricSnapshotView> {
    const views = new Map<string, MetricSnapshotView>();
    const stored = this.metrics.get(metric);
    if (stored === undefined) return views;
    const groups = new Map<string, SeriesState[]>();
    for (const { tags, state } of stored.series.values()) {
      const group = groupOf(tags);
      if (group === undefined) continue;
      const states = groups.get(group);
      if (states === undefined) groups.set(group, [state]);
      else states.push(state);
    }
    for (const [group, states] of groups) views.set(group, new SnapshotView(stored.definition, aggregateOfStates(stored, states), elapsedMs));
    return views;
  }

  /** A trend's whole distribution over the series whose tags include `tags`, encoded (mergeable); undefined without samples. */
  encodedTrend(metric: string, tags: Tags): EncodedTrend | undefined {
    const stored = this.metrics.get(metric);
    if (stored === undefined || stored.definition.type !== 'trend') return undefined;
    const total = createSeriesState('trend');
    try {
      for (const series of stored.series.values()) if (tagsInclude(series.tags, tags)) total.absorb(series.state);
      return total instanceof TrendSeries && total.samples > 0 ? total.portable() : undefined;
    } finally {
      total.destroy();
    }
  }

  /** Sets a coordinator-owned gauge (vus, vus_max). */
  setGauge(metric: string, value: number, tags: Tags = {}, timeMs: number = wallClockMs()): void {
    this.addOwned(metric, 'gauge', value, tags, timeMs);
  }

  /** Adds to a coordinator-owned counter (dropped_iterations). */
  addCounter(metric: string, value: number, tags: Tags = {}): void {
    this.addOwned(metric, 'counter', value, tags, undefined);
  }

  /** Names of the metrics that have samples, sorted. */
  metricNames(): string[] {
    return [...this.metrics.keys()].sort();
  }

  definition(metric: string): MetricDefinition | undefined {
    return this.registry.get(metric);
  }

  /** Frees every histogram; the store is empty afterwards. */
  dispose(): void {
    for (const stored of this.metrics.values()) {
      for (const { state } of stored.series.values()) state.destroy();
    }
    this.metrics.clear();
  }

  private addOwned(metric: string, type: MetricType, value: number, tags: Tags, timeMs: number | undefined): void {
    const stored = this.stored(metric, type);
    this.seriesOf(stored, tagsKey(tags), tags).state.add(value, timeMs);
    stored.version++;
  }

  private stored(metric: string, type: MetricType): StoredMetric {
    let stored = this.metrics.get(metric);
    if (stored === undefined) {
      const definition = this.registry.get(metric);
      // Batches carry their definitions and coordinator metrics are built-ins, so this is a wiring bug.
      if (definition === undefined) throw new Error(`metric ${quote(metric)} is not defined in the registry`);
      stored = { definition, series: new Map(), limit: new SeriesLimit(this.maxSeries), version: 0, cache: new Map() };
      this.metrics.set(metric, stored);
    }
    if (stored.definition.type !== type) {
      throw new TypeError(`metric ${quote(metric)} is a ${stored.definition.type}; got a ${type} sample`);
    }
    return stored;
  }

  private seriesOf(stored: StoredMetric, key: string, tags: Tags): StoredSeries {
    const series = stored.series.get(key);
    if (series !== undefined) return series;
    const place = stored.limit.place(key, tags);
    const warning = place.startedFolding === undefined ? undefined : this.foldWarnings.warning(stored.definition.name, place.startedFolding);
    if (warning !== undefined) this.options.warn?.(warning);
    let placed = stored.series.get(place.key);
    if (placed === undefined) {
      placed = { tags: place.tags, state: createSeriesState(stored.definition.type) };
      stored.series.set(place.key, placed);
    }
    return placed;
  }
}

function aggregateOf(stored: StoredMetric, filter: Tags): Aggregate | undefined {
  const matching: SeriesState[] = [];
  for (const { tags, state } of stored.series.values()) {
    if (tagsInclude(tags, filter)) matching.push(state);
  }
  return matching.length === 0 ? undefined : aggregateOfStates(stored, matching);
}

function aggregateOfStates(stored: StoredMetric, matching: readonly SeriesState[]): Aggregate {
  const [first] = matching;
  if (first !== undefined && matching.length === 1) return first.aggregate();
  const total = createSeriesState(stored.definition.type);
  for (const state of matching) total.absorb(state);
  const aggregate = total.aggregate();
  total.destroy();
  return aggregate;
}
