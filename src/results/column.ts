/**
 * The closed buckets' values of one series, column by column. A float array with NaN for "no
 * sample" holds an hour of 1 s buckets in 8 bytes per value, where an array of boxed numbers and
 * nulls would take several times that.
 */
import type { Aggregate } from '../metrics/series.js';
import type { MetricType } from '../types.js';

/** The columns each metric type has in a SeriesColumns (see types.ts), in order. */
export const COLUMNS_BY_TYPE = {
  counter: ['sum'],
  gauge: ['value'],
  rate: ['passes', 'samples'],
  trend: ['count', 'avg', 'min', 'p50', 'p90', 'p95', 'p99', 'max'],
} as const satisfies Record<MetricType, readonly string[]>;

export type ColumnName = (typeof COLUMNS_BY_TYPE)[MetricType][number];

/** One bucket's values by column; undefined when the aggregate has no sample. */
export function bucketValues(aggregate: Aggregate): Partial<Record<ColumnName, number>> | undefined {
  switch (aggregate.type) {
    case 'counter':
      return aggregate.samples === 0 ? undefined : { sum: aggregate.sum };
    case 'gauge':
      return aggregate.samples === 0 ? undefined : { value: aggregate.value };
    case 'rate':
      return aggregate.samples === 0 ? undefined : { passes: aggregate.passes, samples: aggregate.samples };
    case 'trend': {
      const d = aggregate.distribution;
      if (d.count === 0) return undefined;
      return {
        count: d.count,
        avg: d.avg,
        min: d.min,
        p50: d.percentile(50),
        p90: d.percentile(90),
        p95: d.percentile(95),
        p99: d.percentile(99),
        max: d.max,
      };
    }
    default: {
      const unknown: never = aggregate;
      throw new Error(`unknown aggregate ${JSON.stringify(unknown)}`);
    }
  }
}

/** A growable column of numbers, NaN where a bucket had no sample. */
export class Column {
  private data = new Float64Array(16).fill(Number.NaN);

  set(index: number, value: number): void {
    if (index >= this.data.length) {
      let length = this.data.length * 2;
      while (length <= index) length *= 2;
      const grown = new Float64Array(length).fill(Number.NaN);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[index] = value;
  }

  /** The first `length` buckets, null where empty. */
  toArray(length: number): (number | null)[] {
    const values: (number | null)[] = new Array<number | null>(length);
    for (let index = 0; index < length; index++) {
      const value = index < this.data.length ? this.data[index] : undefined;
      values[index] = value === undefined || Number.isNaN(value) ? null : value;
    }
    return values;
  }
}
