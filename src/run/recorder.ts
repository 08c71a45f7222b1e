/**
 * Where a run's metrics go on the coordinator: the store (totals for thresholds and the summary) and,
 * from the test's start, the time buckets (the time series of the results, reports and the live
 * view). Workers' batches and the coordinator's own samples (vus, vus_max, dropped_iterations) take
 * the same two roads.
 */
import type { MetricRegistry } from '../metrics/registry.js';
import type { MetricStore } from '../metrics/store.js';
import { SampleAggregator, type MetricBatch } from '../metrics/sink.js';
import { wallClockMs } from '../metrics/series.js';
import { TimeBuckets, DEFAULT_BREAKDOWN_TAGS } from '../results/buckets.js';
import type { TimeSeries } from '../results/types.js';
import type { Tags } from '../types.js';

export class RunRecorder {
  readonly #owned = new SampleAggregator();
  #buckets: TimeBuckets | undefined;
  #startMs = 0;
  #forward: ((batch: MetricBatch) => void) | undefined;
  #generation = 0;

  constructor(
    readonly store: MetricStore,
    private readonly registry: MetricRegistry,
    private readonly bucketMs: number,
    /** Tag names the script sets in options.tags: the time series is broken down by them too. */
    private readonly scriptTags: readonly string[],
    /** Epoch ms, for the start and the time buckets (the real wall clock unless a test hands in another). */
    private readonly epochMs: () => number = wallClockMs,
  ) {}

  /** The test starts now: samples from here on are also kept over time. */
  start(): void {
    this.#startMs = this.epochMs();
    this.#buckets = new TimeBuckets({
      bucketMs: this.bucketMs,
      startMs: this.#startMs,
      definitions: (name) => this.registry.get(name),
      breakdownTags: [...DEFAULT_BREAKDOWN_TAGS, ...this.scriptTags],
    });
  }

  /** Epoch ms of the test's start (0 before it). */
  get startMs(): number {
    return this.#startMs;
  }

  /** Goes up with every sample that reaches the store: results built at the same generation are the same. */
  get generation(): number {
    return this.#generation;
  }

  /** Every batch from now on also goes to `to` (the run's outputs). */
  forward(to: (batch: MetricBatch) => void): void {
    this.#forward = to;
  }

  merge(batch: MetricBatch): void {
    this.#generation++;
    this.store.merge(batch);
    this.#buckets?.add(batch, this.epochMs());
    this.#forward?.(batch);
  }

  setGauge(metric: string, value: number, tags: Tags = {}): void {
    this.#generation++;
    const now = this.epochMs();
    this.store.setGauge(metric, value, tags, now);
    this.#own(metric, value, tags, now);
  }

  addCounter(metric: string, value: number, tags: Tags = {}): void {
    this.#generation++;
    this.store.addCounter(metric, value, tags);
    this.#own(metric, value, tags, undefined);
  }

  timeSeries(endMs: number): TimeSeries {
    return this.#buckets?.columns(endMs) ?? { bucketMs: this.bucketMs, startMs: endMs, buckets: 0, series: [] };
  }

  dispose(): void {
    this.#buckets?.dispose();
    this.#owned.drain();
    this.store.dispose();
  }

  #own(metric: string, value: number, tags: Tags, timeMs: number | undefined): void {
    const definition = this.registry.get(metric);
    if (this.#buckets === undefined || definition === undefined) return;
    this.#owned.add(definition, value, tags, timeMs);
    const batch = this.#owned.drain();
    this.#buckets.add(batch, timeMs ?? this.epochMs());
    this.#forward?.(batch);
  }
}
