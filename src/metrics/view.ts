/**
 * Snapshot views: the aggregation methods of a metric (or submetric) as thresholds and summaries
 * name them, computed from an immutable aggregate and the elapsed test time.
 */
import type { MetricDefinition, MetricSnapshotView, MetricValues } from '../types.js';
import type { Aggregate } from './series.js';

export const DEFAULT_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

const TREND_STATS: ReadonlySet<string> = new Set(['avg', 'min', 'med', 'max', 'count']);
const PERCENTILE = /^p\((\d+(?:\.\d*)?|\.\d+)\)$/;

/** The N of 'p(N)' when 0 <= N <= 100, else undefined. */
export function percentileOf(stat: string): number | undefined {
  const match = PERCENTILE.exec(stat);
  if (match === null) return undefined;
  const percent = Number(match[1]);
  return percent <= 100 ? percent : undefined;
}

/** Whether a trend can report `stat` (for validating summaryTrendStats): avg, min, med, max, count, p(N). */
export function isTrendStat(stat: string): boolean {
  return TREND_STATS.has(stat) || percentileOf(stat) !== undefined;
}

export class SnapshotView implements MetricSnapshotView {
  constructor(
    readonly definition: MetricDefinition,
    private readonly aggregate: Aggregate,
    private readonly elapsedMs: number,
  ) {}

  get sampleCount(): number {
    const aggregate = this.aggregate;
    return aggregate.type === 'trend' ? aggregate.distribution.count : aggregate.samples;
  }

  value(method: string): number | undefined {
    const aggregate = this.aggregate;
    switch (aggregate.type) {
      case 'counter':
        if (method === 'count') return aggregate.sum;
        if (method === 'rate') return this.elapsedMs > 0 ? aggregate.sum / (this.elapsedMs / 1000) : 0;
        return undefined;
      case 'gauge':
        if (method === 'value' || method === 'min' || method === 'max') return aggregate[method];
        return undefined;
      case 'rate':
        if (method === 'rate') return aggregate.samples === 0 ? 0 : aggregate.passes / aggregate.samples;
        if (method === 'passes') return aggregate.passes;
        if (method === 'fails') return aggregate.samples - aggregate.passes;
        return undefined;
      case 'trend': {
        const distribution = aggregate.distribution;
        if (method === 'avg' || method === 'min' || method === 'med' || method === 'max' || method === 'count') {
          return distribution[method];
        }
        const percent = percentileOf(method);
        return percent === undefined ? undefined : distribution.percentile(percent);
      }
    }
  }

  values(trendStats: readonly string[] = DEFAULT_TREND_STATS): MetricValues {
    const methods = this.aggregate.type === 'trend' ? trendStats : VALUE_METHODS[this.aggregate.type];
    const values: Record<string, number> = {};
    for (const method of methods) {
      const value = this.value(method);
      if (value !== undefined) values[method] = value;
    }
    return values;
  }
}

const VALUE_METHODS = {
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
  rate: ['rate', 'passes', 'fails'],
} as const;
