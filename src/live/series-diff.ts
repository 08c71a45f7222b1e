/**
 * What changed in a time series between two snapshots of a running test, so the dashboard sends
 * seconds of data each second instead of the whole series again.
 *
 * Series are named by a key (metric, type, tags), not by their index: a series that appears in the
 * middle of a run (a new `name` tag value) is inserted in sorted order and moves the ones after it.
 * Buckets before the last MUTABLE_TAIL of the previous snapshot are final (see results/buckets.ts:
 * only the newest bucket and the one before it still take samples), so only the tail is compared.
 */
import { tagsKey } from '../metrics/tags.js';
import { COLUMNS_BY_TYPE, type ColumnName } from '../results/column.js';
import type { SeriesColumns, TimeSeries } from '../results/types.js';
import type { MetricType, Tags, ValueKind } from '../types.js';

/** Buckets at the end of a snapshot that a later snapshot may still change. */
export const MUTABLE_TAIL = 2;

export type Column = readonly (number | null)[];

export interface SeriesUpdate {
  readonly key: string;
  /** A series the previous snapshot did not have: what it is. Its columns start as nulls. */
  readonly added?: { readonly metric: string; readonly type: MetricType; readonly contains: ValueKind; readonly tags: Tags };
  /**
   * The first bucket whose values changed, and every column from there to the last bucket. Absent
   * when nothing changed: the columns only grow to the new bucket count, with nulls.
   */
  readonly from?: number;
  readonly columns?: Readonly<Partial<Record<ColumnName, Column>>>;
}

export function seriesKey(series: SeriesColumns): string {
  return `${series.metric}\n${series.type}\n${tagsKey(series.tags)}`;
}

/**
 * Every series of `next`, in its order, with what changed since `previous`; undefined when `next`
 * does not continue `previous` (another start or bucket length, fewer buckets): send it whole.
 */
export function seriesUpdates(previous: TimeSeries, next: TimeSeries): SeriesUpdate[] | undefined {
  if (next.startMs !== previous.startMs || next.bucketMs !== previous.bucketMs || next.buckets < previous.buckets) return undefined;
  const before = new Map(previous.series.map((series) => [seriesKey(series), series]));
  const tailStart = Math.max(0, previous.buckets - MUTABLE_TAIL);
  return next.series.map((series): SeriesUpdate => {
    const key = seriesKey(series);
    const old = before.get(key);
    if (old === undefined || old.type !== series.type) {
      const { metric, type, contains, tags } = series;
      const from = firstChange(series, undefined, 0, next.buckets);
      return { key, added: { metric, type, contains, tags }, from, columns: slices(series, from, next.buckets) };
    }
    const from = firstChange(series, old, tailStart, next.buckets);
    return from === next.buckets ? { key } : { key, from, columns: slices(series, from, next.buckets) };
  });
}

/** The first bucket in [start, end) where `series` differs from `old` (or from nulls); `end` when none does. */
function firstChange(series: SeriesColumns, old: SeriesColumns | undefined, start: number, end: number): number {
  let first = end;
  for (const [name, values] of columnsOf(series)) {
    const oldValues = old === undefined ? [] : columnOf(old, name);
    for (let i = start; i < first; i++) {
      if ((values[i] ?? null) !== (oldValues[i] ?? null)) {
        first = i;
        break;
      }
    }
  }
  return first;
}

function slices(series: SeriesColumns, from: number, end: number): Partial<Record<ColumnName, Column>> {
  const sliced: Partial<Record<ColumnName, Column>> = {};
  for (const [name, values] of columnsOf(series)) {
    const slice = values.slice(from, end);
    // A column shorter than the bucket count is padded, so the client's columns stay aligned.
    while (slice.length < end - from) slice.push(null);
    sliced[name] = slice;
  }
  return sliced;
}

function columnsOf(series: SeriesColumns): [ColumnName, Column][] {
  return COLUMNS_BY_TYPE[series.type].map((name): [ColumnName, Column] => [name, columnOf(series, name)]);
}

function columnOf(series: SeriesColumns, name: ColumnName): Column {
  // Every name in COLUMNS_BY_TYPE[series.type] is a column of that member of the union.
  return (series as unknown as Readonly<Record<ColumnName, Column | undefined>>)[name] ?? [];
}
