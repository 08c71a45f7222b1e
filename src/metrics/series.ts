/**
 * The aggregate of one series (metric + tag set), one class per metric type. Workers add samples
 * and ship `toData()`; the coordinator `merge`s that data; snapshots `absorb` series into a total.
 * Memory is constant per series however many samples arrive.
 */
import type { MetricType } from '../types.js';
import { TrendHistogram, type EncodedTrend, type TrendDistribution } from './hdr.js';

/** One series' aggregate as plain data: what a worker's batch carries. */
export type SeriesData =
  | { readonly type: 'counter'; readonly samples: number; readonly sum: number }
  | {
      readonly type: 'gauge';
      readonly samples: number;
      readonly value: number;
      /** When `value` was set (see wallClockMs); the latest wins across workers. */
      readonly timeMs: number;
      readonly min: number;
      readonly max: number;
    }
  | { readonly type: 'rate'; readonly samples: number; readonly passes: number }
  | { readonly type: 'trend'; readonly histogram: EncodedTrend };

/** A read-only result of aggregation, as snapshot views consume it. Empty aggregates hold zeros. */
export type Aggregate =
  | { readonly type: 'counter'; readonly samples: number; readonly sum: number }
  | { readonly type: 'gauge'; readonly samples: number; readonly value: number; readonly min: number; readonly max: number }
  | { readonly type: 'rate'; readonly samples: number; readonly passes: number }
  | { readonly type: 'trend'; readonly distribution: TrendDistribution };

/**
 * Gauge timestamps: wall-clock milliseconds with sub-millisecond resolution. `performance.now()`
 * alone restarts at zero in each worker thread; adding the thread's `timeOrigin` makes readings of
 * different threads comparable. Equal timestamps resolve to the value merged last.
 */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

export abstract class SeriesState {
  abstract readonly type: MetricType;
  /** Samples added or merged since creation or the last reset. */
  abstract readonly samples: number;
  /** `timeMs` matters to gauges only; undefined means now. */
  abstract add(value: number, timeMs: number | undefined): void;
  abstract merge(data: SeriesData): void;
  abstract absorb(other: SeriesState): void;
  abstract toData(): SeriesData;
  abstract aggregate(): Aggregate;
  abstract reset(): void;
  destroy(): void {}

  protected mismatch(other: { type: string }): TypeError {
    return new TypeError(`cannot combine a ${other.type} series into a ${this.type} series`);
  }
}

export function createSeriesState(type: MetricType): SeriesState {
  switch (type) {
    case 'counter':
      return new CounterSeries();
    case 'gauge':
      return new GaugeSeries();
    case 'rate':
      return new RateSeries();
    case 'trend':
      return new TrendSeries();
  }
}

class CounterSeries extends SeriesState {
  readonly type = 'counter';
  samples = 0;
  private sum = 0;

  add(value: number): void {
    this.samples++;
    this.sum += value;
  }
  merge(data: SeriesData): void {
    if (data.type !== 'counter') throw this.mismatch(data);
    this.samples += data.samples;
    this.sum += data.sum;
  }
  absorb(other: SeriesState): void {
    if (!(other instanceof CounterSeries)) throw this.mismatch(other);
    this.merge(other.toData());
  }
  toData(): SeriesData {
    return { type: 'counter', samples: this.samples, sum: this.sum };
  }
  aggregate(): Aggregate {
    return { type: 'counter', samples: this.samples, sum: this.sum };
  }
  reset(): void {
    this.samples = 0;
    this.sum = 0;
  }
}

class GaugeSeries extends SeriesState {
  readonly type = 'gauge';
  samples = 0;
  private value = 0;
  private timeMs = -Infinity;
  private min = Infinity;
  private max = -Infinity;

  add(value: number, timeMs: number | undefined): void {
    this.merge({ type: 'gauge', samples: 1, value, timeMs: timeMs ?? wallClockMs(), min: value, max: value });
  }
  merge(data: SeriesData): void {
    if (data.type !== 'gauge') throw this.mismatch(data);
    this.samples += data.samples;
    if (data.timeMs >= this.timeMs) {
      this.value = data.value;
      this.timeMs = data.timeMs;
    }
    if (data.min < this.min) this.min = data.min;
    if (data.max > this.max) this.max = data.max;
  }
  absorb(other: SeriesState): void {
    if (!(other instanceof GaugeSeries)) throw this.mismatch(other);
    if (other.samples > 0) this.merge(other.toData());
  }
  toData(): SeriesData {
    const { samples, value, timeMs, min, max } = this;
    return { type: 'gauge', samples, value, timeMs, min, max };
  }
  aggregate(): Aggregate {
    if (this.samples === 0) return { type: 'gauge', samples: 0, value: 0, min: 0, max: 0 };
    return { type: 'gauge', samples: this.samples, value: this.value, min: this.min, max: this.max };
  }
  reset(): void {
    this.samples = 0;
    this.value = 0;
    this.timeMs = -Infinity;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

class RateSeries extends SeriesState {
  readonly type = 'rate';
  samples = 0;
  private passes = 0;

  /** Any non-zero value is a pass (k6: true/false arrive as 1/0). */
  add(value: number): void {
    this.samples++;
    if (value !== 0) this.passes++;
  }
  merge(data: SeriesData): void {
    if (data.type !== 'rate') throw this.mismatch(data);
    this.samples += data.samples;
    this.passes += data.passes;
  }
  absorb(other: SeriesState): void {
    if (!(other instanceof RateSeries)) throw this.mismatch(other);
    this.merge(other.toData());
  }
  toData(): SeriesData {
    return { type: 'rate', samples: this.samples, passes: this.passes };
  }
  aggregate(): Aggregate {
    return { type: 'rate', samples: this.samples, passes: this.passes };
  }
  reset(): void {
    this.samples = 0;
    this.passes = 0;
  }
}

export class TrendSeries extends SeriesState {
  readonly type = 'trend';
  private readonly histogram = new TrendHistogram();

  get samples(): number {
    return this.histogram.count;
  }
  add(value: number): void {
    this.histogram.record(value);
  }
  merge(data: SeriesData): void {
    if (data.type !== 'trend') throw this.mismatch(data);
    this.histogram.addEncoded(data.histogram);
  }
  absorb(other: SeriesState): void {
    if (!(other instanceof TrendSeries)) throw this.mismatch(other);
    this.histogram.add(other.histogram);
  }
  /** A batch's data: histograms as buckets, which the coordinator merges without inflating them. */
  toData(): SeriesData {
    return { type: 'trend', histogram: this.histogram.encode('buckets') };
  }
  /** The whole trend in the portable form a results file keeps. */
  portable(): EncodedTrend {
    return this.histogram.encode('portable');
  }
  aggregate(): Aggregate {
    return { type: 'trend', distribution: this.histogram.distribution() };
  }
  reset(): void {
    this.histogram.reset();
  }
  override destroy(): void {
    this.histogram.destroy();
  }
}
