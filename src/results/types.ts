/**
 * The results of one run, as `--out json=results.json` writes them and every other output (CSV,
 * JUnit, Markdown, the HTML report, `wsk report`) reads them: self-describing, mergeable (trend
 * histograms are kept encoded), and bounded in size however long the run (time buckets hold
 * aggregates, never samples).
 */
import type { EncodedTrend } from '../metrics/hdr.js';
import type { MetricType, MetricValues, Tags, ValueKind } from '../types.js';

export const RESULTS_FORMAT = 'wsk-results/1';

export interface RunResults {
  readonly format: typeof RESULTS_FORMAT;
  readonly wsk: { readonly version: string; readonly node: string };
  /** The script as given on the command line. */
  readonly script: string;
  /** ISO 8601 times of the start of the first scenario and the end of the run. */
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  /** The process's exit code (0, 99 thresholds failed, 105 signal, 107 script error, 108 aborted by a threshold). */
  readonly exitCode: number;
  /** Why the run ended early ('' when it ran its course): 'signal', 'threshold', 'script error'. */
  readonly stoppedBy: string;
  /** The script's options after CLI flags were applied, as JSON. */
  readonly options: unknown;
  readonly thresholds: readonly ThresholdResult[];
  readonly checks: readonly CheckResult[];
  /** Final values by metric name; submetrics that thresholds select by their key ('http_req_duration{name:login}'). */
  readonly metrics: Readonly<Record<string, MetricResult>>;
  /** Error counts by kind: ws_errors by error (and status / close_code), http_req_failed by error_code. */
  readonly errors: readonly ErrorCount[];
  readonly timeSeries: TimeSeries;
  /** The request metrics per endpoint (endpoints.ts); absent in live snapshots and in results of older versions. */
  readonly endpoints?: readonly EndpointResult[];
  /** Failed requests and ws errors by method, name and error (endpoints.ts); absent where endpoints are. */
  readonly failures?: readonly FailureCount[];
}

/** One request metric over the series of one endpoint: its `name` tag, else its `url` tag. */
export interface EndpointResult {
  readonly metric: string;
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueKind;
  readonly values: MetricValues;
}

/** Locust's failures.csv row: how often one request (method, name) failed one way. */
export interface FailureCount {
  readonly method: string;
  readonly name: string;
  readonly error: string;
  readonly occurrences: number;
}

export interface ThresholdResult {
  readonly metric: string;
  /** The key as written: 'http_req_duration' or 'http_req_duration{name:login}'. */
  readonly key: string;
  /** As written: 'p(95)<500'. */
  readonly expression: string;
  readonly ok: boolean;
  /** The aggregate the expression compared; null when no sample matched. */
  readonly observed: number | null;
  readonly abortOnFail: boolean;
}

export interface CheckResult {
  /** The group path ('' at the root, '::login' inside group('login')). */
  readonly group: string;
  readonly name: string;
  readonly passes: number;
  readonly fails: number;
}

export interface MetricResult {
  readonly type: MetricType;
  readonly contains: ValueKind;
  /** As in the summary: count/rate for counters, passes/fails/rate for rates, value/min/max for gauges, the trend stats for trends. */
  readonly values: MetricValues;
  /** Trends only: the whole distribution, so results of several runs can be merged and re-read. */
  readonly histogram?: EncodedTrend;
}

export interface ErrorCount {
  readonly metric: string;
  /** The tags that tell the kind apart: { error: 'refused' }, { error: 'handshake_status', status: '403' }, { error_code: '1212' }. */
  readonly kind: Tags;
  readonly count: number;
}

/**
 * Aggregates per time bucket. Bucket i covers [startMs + i × bucketMs, startMs + (i+1) × bucketMs);
 * every column of every series has one entry per bucket, null where the series had no sample.
 */
export interface TimeSeries {
  readonly bucketMs: number;
  /** Epoch ms of bucket 0's start. */
  readonly startMs: number;
  readonly buckets: number;
  readonly series: readonly SeriesColumns[];
}

/**
 * One metric over time: all its samples (`tags` {}), or those with one value of one tag the run
 * broke the metric down by ({ name: 'login' }, { scenario: 'chat' }, { status: '500' }, ...).
 */
export type SeriesColumns =
  | { readonly metric: string; readonly type: 'counter'; readonly contains: ValueKind; readonly tags: Tags; readonly sum: readonly (number | null)[] }
  | { readonly metric: string; readonly type: 'gauge'; readonly contains: ValueKind; readonly tags: Tags; readonly value: readonly (number | null)[] }
  | {
      readonly metric: string;
      readonly type: 'rate';
      readonly contains: ValueKind;
      readonly tags: Tags;
      readonly passes: readonly (number | null)[];
      readonly samples: readonly (number | null)[];
    }
  | {
      readonly metric: string;
      readonly type: 'trend';
      readonly contains: ValueKind;
      readonly tags: Tags;
      readonly count: readonly (number | null)[];
      readonly avg: readonly (number | null)[];
      readonly min: readonly (number | null)[];
      readonly p50: readonly (number | null)[];
      readonly p90: readonly (number | null)[];
      readonly p95: readonly (number | null)[];
      readonly p99: readonly (number | null)[];
      readonly max: readonly (number | null)[];
    };
