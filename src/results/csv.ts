/**
 * `--out csv=prefix`, Locust style: `prefix_stats.csv` (final values), `prefix_history.csv`
 * (the time buckets) and `prefix_failures.csv` (failed requests). RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a
 * line break. A cell that does not apply to a metric type is empty.
 *
 * prefix_stats.csv — one row per metric and per submetric (threshold keys, ws_errors kinds), and
 * one per endpoint of each request metric ('http_req_duration{name:/login}', see endpoints.ts;
 * the metric's own row is Locust's Aggregated row):
 *   Name,Type,Count,Rate/s,Avg,Min,Med,P90,P95,P99,Max,Passes,Fails,Value
 *   counter: Count (the sum), Rate/s          gauge: Min, Max, Value (the last)
 *   rate: Count (samples), Passes, Fails, Value (the fraction of passes)
 *   trend: Count, Rate/s (samples per second of the run), Avg .. Max
 *
 * prefix_history.csv — one row per bucket and series with samples in it, by time; Tags is '' for
 * the metric over all tags, else the breakdown ('name:login'):
 *   Timestamp,Metric,Tags,Count,Sum,Rate,Value,Avg,Min,P50,P90,P95,P99,Max
 *   Timestamp: unix seconds of the bucket's start; Rate: per second of the bucket
 *   counter: Sum, Rate        gauge: Value (the last)
 *   rate: Count (samples), Sum (passes), Value (Sum / Count)
 *   trend: Count, Rate, Avg, Min, P50 .. Max
 *
 * prefix_failures.csv — Locust's columns, one row per method, name and error, the most frequent first:
 *   Method,Name,Error,Occurrences
 *   http: the method, the name (else the url), 'error_code 1211' or 'status 503' (an unexpected status)
 *   ws: 'WS', the name (else the url), the ws_errors kind ('handshake_status status 403') or
 *       'request <why>' for a failed ws request (ws_req_failed)
 */
import { plainNumber } from './format.js';
import type { MetricResult, RunResults, SeriesColumns } from './types.js';

type Cell = string | number | undefined | null;

const STATS_HEADER = ['Name', 'Type', 'Count', 'Rate/s', 'Avg', 'Min', 'Med', 'P90', 'P95', 'P99', 'Max', 'Passes', 'Fails', 'Value'];
const FAILURES_HEADER = ['Method', 'Name', 'Error', 'Occurrences'];
const HISTORY_HEADER = ['Timestamp', 'Metric', 'Tags', 'Count', 'Sum', 'Rate', 'Value', 'Avg', 'Min', 'P50', 'P90', 'P95', 'P99', 'Max'];

/** The two files' names for a prefix. */
export function csvFiles(prefix: string): { readonly stats: string; readonly history: string } {
  return { stats: `${prefix}_stats.csv`, history: `${prefix}_history.csv` };
}

/** The failures file's name for a prefix. */
export function csvFailuresFile(prefix: string): string {
  return `${prefix}_failures.csv`;
}

export function statsCsv(results: RunResults): string {
  const seconds = results.durationMs / 1000;
  const metrics: Record<string, MetricResult> = { ...results.metrics };
  // A threshold on an endpoint already has its row, with the same values.
  for (const { metric, name, type, contains, values } of results.endpoints ?? []) metrics[`${metric}{name:${name}}`] ??= { type, contains, values };
  const rows = Object.keys(metrics)
    .sort()
    .map((key) => statsRow(key, metrics[key], seconds));
  return csv([STATS_HEADER, ...rows]);
}

/** Undefined for results without failure counts (written by an older wsk). */
export function failuresCsv(results: RunResults): string | undefined {
  if (results.failures === undefined) return undefined;
  return csv([FAILURES_HEADER, ...results.failures.map(({ method, name, error, occurrences }) => [method, name, error, occurrences])]);
}

export function historyCsv(results: RunResults): string {
  const { bucketMs, startMs, buckets, series } = results.timeSeries;
  const rows: Cell[][] = [HISTORY_HEADER];
  for (let index = 0; index < buckets; index++) {
    const timestamp = plainNumber((startMs + index * bucketMs) / 1000);
    for (const columns of series) {
      const cells = historyCells(columns, index, bucketMs / 1000);
      if (cells !== undefined) rows.push([timestamp, columns.metric, tagsText(columns), ...cells]);
    }
  }
  return csv(rows);
}

function statsRow(key: string, metric: MetricResult | undefined, seconds: number): Cell[] {
  if (metric === undefined) return [key];
  const v = metric.values;
  switch (metric.type) {
    case 'counter':
      return [key, 'counter', v['count'], v['rate']];
    case 'gauge':
      return [key, 'gauge', null, null, null, v['min'], null, null, null, null, v['max'], null, null, v['value']];
    case 'rate': {
      const samples = (v['passes'] ?? 0) + (v['fails'] ?? 0);
      return [key, 'rate', samples, null, null, null, null, null, null, null, null, v['passes'], v['fails'], v['rate']];
    }
    case 'trend': {
      const count = v['count'];
      const rate = count !== undefined && seconds > 0 ? count / seconds : null;
      return [key, 'trend', count, rate, v['avg'], v['min'], v['med'], v['p(90)'], v['p(95)'], v['p(99)'], v['max']];
    }
  }
}

/** Count..Max of one bucket of one series, or undefined when the series had no sample in it. */
function historyCells(columns: SeriesColumns, index: number, bucketSeconds: number): Cell[] | undefined {
  switch (columns.type) {
    case 'counter': {
      const sum = columns.sum[index];
      return sum == null ? undefined : [null, sum, sum / bucketSeconds];
    }
    case 'gauge': {
      const value = columns.value[index];
      return value == null ? undefined : [null, null, null, value];
    }
    case 'rate': {
      const samples = columns.samples[index];
      const passes = columns.passes[index];
      if (samples == null || passes == null || samples === 0) return undefined;
      return [samples, passes, null, passes / samples];
    }
    case 'trend': {
      const count = columns.count[index];
      if (count == null) return undefined;
      const at = (column: readonly (number | null)[]): Cell => column[index];
      return [count, null, count / bucketSeconds, null, at(columns.avg), at(columns.min), at(columns.p50), at(columns.p90), at(columns.p95), at(columns.p99), at(columns.max)];
    }
  }
}

function tagsText(columns: SeriesColumns): string {
  return Object.entries(columns.tags)
    .map(([tag, value]) => `${tag}:${value}`)
    .join(',');
}

function csv(rows: readonly (readonly Cell[])[]): string {
  const width = rows[0]?.length ?? 0;
  return rows
    .map((row) => Array.from({ length: width }, (_, column) => field(row[column])).join(','))
    .map((line) => `${line}\r\n`)
    .join('');
}

function field(cell: Cell): string {
  if (cell === undefined || cell === null) return '';
  const text = typeof cell === 'number' ? plainNumber(cell) : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
