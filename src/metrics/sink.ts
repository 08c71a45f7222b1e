/**
 * Worker side of the metrics engine: samples are aggregated per series as they arrive, and every
 * ~200 ms `drain()` hands the coordinator one plain batch (never one message per sample). Each
 * metric keeps a limited number of distinct tag sets for the whole run (see limit.ts), so the
 * batches, and the coordinator that merges them, see a bounded number of series.
 */
import { quote } from '../errors.js';
import type { MetricDefinition, Tags } from '../types.js';
import { FoldWarnings, MAX_SERIES_PER_METRIC, SeriesLimit } from './limit.js';
import { createSeriesState, type SeriesData, type SeriesState } from './series.js';
import { tagsKey } from './tags.js';

/** Everything a worker aggregated since its last drain; structured-clonable. */
export interface MetricBatch {
  /** Definitions of the metrics in `series`, so the coordinator learns custom metrics. */
  readonly definitions: readonly MetricDefinition[];
  readonly series: readonly SeriesBatch[];
}

export interface SeriesBatch {
  readonly metric: string;
  /** tagsKey(tags), computed once by the worker. */
  readonly key: string;
  readonly tags: Tags;
  readonly data: SeriesData;
}

interface WorkerSeries {
  readonly tags: Tags;
  readonly state: SeriesState;
}

interface WorkerMetric {
  readonly definition: MetricDefinition;
  /** The series with samples since the last drain or the one before. */
  readonly series: Map<string, WorkerSeries>;
  /** Every tag set the metric has had this run, up to its limit. */
  readonly limit: SeriesLimit;
}

export interface SampleAggregatorOptions {
  /** Distinct tag sets one metric keeps before new ones fold (default MAX_SERIES_PER_METRIC). */
  readonly maxSeriesPerMetric?: number;
  /**
   * Told once per folded tag when a metric starts folding. A worker leaves it out: the coordinator's
   * store, which folds what the workers send, warns once for the whole run.
   */
  readonly warn?: (text: string) => void;
}

export class SampleAggregator {
  private readonly metrics = new Map<string, WorkerMetric>();
  // Hot callers pass the same few tags objects over and over (a socket's, its requests', a scenario's),
  // so each object's key is computed once.
  private readonly keys = new WeakMap<Tags, string>();
  private readonly maxSeries: number;
  private readonly foldWarnings: FoldWarnings;
  private readonly warn: ((text: string) => void) | undefined;

  constructor(options: SampleAggregatorOptions = {}) {
    this.maxSeries = options.maxSeriesPerMetric ?? MAX_SERIES_PER_METRIC;
    this.foldWarnings = new FoldWarnings(this.maxSeries);
    this.warn = options.warn;
  }

  /**
   * Adds one sample. `tags` must not be mutated afterwards (its series key is remembered). `timeMs`
   * orders gauge values across workers (default: wallClockMs()); other types ignore it.
   */
  add(metric: MetricDefinition, value: number, tags: Tags, timeMs?: number): void {
    if (!Number.isFinite(value)) {
      throw new RangeError(`metric ${quote(metric.name)} received ${String(value)}; a sample must be a finite number`);
    }
    let entry = this.metrics.get(metric.name);
    if (entry === undefined) {
      entry = { definition: metric, series: new Map(), limit: new SeriesLimit(this.maxSeries) };
      this.metrics.set(metric.name, entry);
    }
    let key = this.keys.get(tags);
    if (key === undefined) {
      key = tagsKey(tags);
      this.keys.set(tags, key);
    }
    (entry.series.get(key) ?? this.newSeries(entry, key, tags)).state.add(value, timeMs);
  }


  /**
   * Everything since the last drain; then starts afresh. Series with samples are reset and reused;
   * series that stayed idle for a whole interval are dropped, so memory follows the active series.
   */
  drain(): MetricBatch {
    const definitions: MetricDefinition[] = [];
    const series: SeriesBatch[] = [];
    // A metric's entry stays when its series are gone: its limit remembers the tag sets it had.
    for (const [name, entry] of this.metrics) {
      let shipped = false;
      for (const [key, { tags, state }] of entry.series) {
        if (state.samples === 0) {
          state.destroy();
          entry.series.delete(key);
          continue;
        }
        series.push({ metric: name, key, tags, data: state.toData() });
        state.reset();
        shipped = true;
      }
      if (shipped) definitions.push(entry.definition);
    }
    return { definitions, series };
  }

  /** Number of series held (active since the last drain or the one before). */
  get seriesCount(): number {
    let count = 0;
    for (const entry of this.metrics.values()) count += entry.series.size;
    return count;
  }

  /** The series of a tag set the metric has no series for now: its own, or a folded one past the limit. */
  private newSeries(entry: WorkerMetric, key: string, tags: Tags): WorkerSeries {
    const place = entry.limit.place(key, tags);
    const warning = place.startedFolding === undefined ? undefined : this.foldWarnings.warning(entry.definition.name, place.startedFolding);
    if (warning !== undefined) this.warn?.(warning);
    let series = entry.series.get(place.key);
    if (series === undefined) {
      series = { tags: place.tags, state: createSeriesState(entry.definition.type) };
      entry.series.set(place.key, series);
    }
    return series;
  }
}
