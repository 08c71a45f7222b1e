/**
 * A fake LiveSource for the dashboard tests: a run whose time series grows when the test says so.
 * Values are formulas of the bucket index, except the newest bucket, which is still filling: its
 * values grow with `fill` until the next bucket starts, as a running test's last bucket does. From
 * `lateSeriesAt` buckets on, a series sorted into the middle of the list appears (a new `name`
 * tag value, with samples from the newest bucket then on), which moves the series after it.
 */
import type { LiveSource } from '../../../src/live/types.js';
import type { RunResults, SeriesColumns } from '../../../src/results/types.js';
import type { Tags } from '../../../src/types.js';
import { fixtureResults, FIXTURE_START_MS } from '../report/fixture.js';

export const BUCKET_MS = 1000;

export interface GrowingSourceOptions {
  readonly buckets?: number;
  /** When the late series appears; never by default. */
  readonly lateSeriesAt?: number;
}

export class GrowingSource implements LiveSource {
  buckets: number;
  /** Samples so far in the newest bucket (1 when it starts). */
  fill = 1;
  snapshots = 0;
  private readonly lateSeriesAt: number;

  constructor(options: GrowingSourceOptions = {}) {
    this.buckets = options.buckets ?? 3;
    this.lateSeriesAt = options.lateSeriesAt ?? Infinity;
  }

  /** `count` more buckets; the newest starts filling. */
  grow(count = 1): void {
    this.buckets += count;
    this.fill = 1;
  }

  /** More samples in the newest bucket. */
  addToLast(): void {
    this.fill++;
  }

  snapshot(): RunResults {
    this.snapshots++;
    return { ...this.results(), exitCode: -1, endedAt: '', stoppedBy: '' };
  }

  /** The finished run: the state now, with an end and the fixture's verdict (thresholds failed, exit 99). */
  final(): RunResults {
    return { ...this.results(), endedAt: new Date(FIXTURE_START_MS + this.buckets * BUCKET_MS).toISOString() };
  }

  private results(): RunResults {
    const base = fixtureResults('failed');
    const series: SeriesColumns[] = [
      { metric: 'iterations', type: 'counter', contains: 'default', tags: {}, sum: this.column((i) => 10 + (i % 7)) },
      this.trend({}, 50),
      this.trend({ name: 'chat' }, 40),
      ...(this.buckets >= this.lateSeriesAt ? [this.trend({ name: 'join' }, 45, this.lateSeriesAt - 1)] : []),
      this.trend({ name: 'login' }, 150),
      { metric: 'vus', type: 'gauge', contains: 'default', tags: {}, value: this.column((i) => (i % 20) + 1) },
    ];
    return {
      ...base,
      durationMs: this.buckets * BUCKET_MS - 500,
      timeSeries: { bucketMs: BUCKET_MS, startMs: FIXTURE_START_MS, buckets: this.buckets, series },
    };
  }

  /** A column of `value(i)`, the newest bucket scaled by how full it is (out of 4); null before `from`. */
  column(value: (i: number) => number, from = 0): (number | null)[] {
    return Array.from({ length: this.buckets }, (_, i) => {
      if (i < from) return null;
      return i === this.buckets - 1 ? Math.round((value(i) * Math.min(this.fill, 4)) / 4) : value(i);
    });
  }

  private trend(tags: Tags, base: number, from = 0): SeriesColumns {
    const at = (factor: number) => this.column((i) => base * factor + (i % 10), from);
    return {
      metric: 'ws_req_ttfr',
      type: 'trend',
      contains: 'time',
      tags,
      count: this.column((i) => 2 + (i % 3), from),
      avg: at(1.1),
      min: at(0.5),
      p50: at(1),
      p90: at(1.5),
      p95: at(2),
      p99: at(3),
      max: at(4),
    };
  }
}
