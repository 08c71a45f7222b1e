/**
 * Assembles the RunResults of a run from what the end of the run already has: the summary data
 * (metrics as the summary shows them, the checks tree), the threshold outcomes, the store (complete
 * trend stats, errors by kind) and the time buckets.
 */
import type { EncodedTrend } from '../metrics/hdr.js';
import type { MetricStore } from '../metrics/store.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolReport } from '../protocols/types.js';
import { packageVersion } from '../package-root.js';
import { errorKindOf, type SummaryData, type SummaryGroup } from '../summary/data.js';
import type { ThresholdOutcome } from '../thresholds/index.js';
import type { Tags } from '../types.js';
import { compareNatural } from '../name-order.js';
import { endpointResults, failureCounts } from './endpoints.js';
import { RESULTS_FORMAT, type CheckResult, type ErrorCount, type MetricResult, type RunResults, type ThresholdResult, type TimeSeries } from './types.js';

/** Trend stats every result carries whatever summaryTrendStats says: the CSV and Markdown columns need them. */
export const RESULT_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

export interface RunResultsInput {
  readonly summary: SummaryData;
  readonly store: Pick<MetricStore, 'snapshot' | 'series' | 'groupedBy'>;
  readonly thresholds: readonly ThresholdOutcome[];
  readonly timeSeries: TimeSeries;
  /** The options after CLI flags, as JSON. */
  readonly options: unknown;
  readonly script: string;
  /** Epoch ms. */
  readonly startMs: number;
  readonly endMs: number;
  readonly exitCode: number;
  /** '' when the run ran its course. */
  readonly stoppedBy: string;
  /**
   * The whole distribution of a trend over the series whose tags include `tags`, encoded: what the
   * store merged. Without it, results carry no histograms.
   */
  readonly encodedTrend?: (metric: string, tags: Tags) => EncodedTrend | undefined;
  /** Whether the results carry the per-endpoint rows and the failures (the final results do; live snapshots skip the work). */
  readonly endpoints?: boolean;
  /** The protocols' contributions (errors by kind, endpoints, failures); default: wsk's protocols. */
  readonly reports?: readonly ProtocolReport[];
}

export function buildRunResults(input: RunResultsInput): RunResults {
  const reports = input.reports ?? PROTOCOLS.reports;
  return {
    format: RESULTS_FORMAT,
    wsk: { version: packageVersion(), node: process.version },
    script: input.script,
    startedAt: new Date(input.startMs).toISOString(),
    endedAt: new Date(input.endMs).toISOString(),
    durationMs: input.endMs - input.startMs,
    exitCode: input.exitCode,
    stoppedBy: input.stoppedBy,
    options: input.options,
    thresholds: input.thresholds.map(thresholdResult),
    checks: flattenChecks(input.summary.root_group),
    metrics: metricResults(input),
    errors: reports.flatMap((report) => report.errorKinds ?? []).flatMap((kinds) => errorCounts(input.store, kinds)),
    timeSeries: input.timeSeries,
    ...(input.endpoints === true
      ? {
          endpoints: endpointResults(input.store, input.summary.state.testRunDurationMs, RESULT_TREND_STATS, reports),
          failures: failureCounts(input.store, reports),
        }
      : {}),
  };
}

function thresholdResult({ spec, ok, observed, noData }: ThresholdOutcome): ThresholdResult {
  return {
    metric: spec.metric,
    key: spec.key,
    expression: spec.expression.source,
    ok,
    observed: noData ? null : observed,
    abortOnFail: spec.abortOnFail,
  };
}

/** Checks in the order of the group tree, depth first, each with its group's path. */
function flattenChecks(group: SummaryGroup): CheckResult[] {
  const own = group.checks.map(({ name, passes, fails }) => ({ group: group.path, name, passes, fails }));
  return [...own, ...group.groups.flatMap(flattenChecks)];
}

/**
 * The summary's metrics, trends completed with RESULT_TREND_STATS and their histogram. Keys with a
 * tag filter are submetrics of thresholds or ws_errors kinds (see summary/data.ts).
 */
function metricResults(input: RunResultsInput): Record<string, MetricResult> {
  const elapsedMs = input.summary.state.testRunDurationMs;
  const submetrics = new Map(input.thresholds.map(({ spec }) => [spec.key, { metric: spec.metric, tags: spec.tags }]));
  const metrics: Record<string, MetricResult> = {};
  for (const [key, { type, contains, values }] of Object.entries(input.summary.metrics)) {
    if (type !== 'trend') {
      metrics[key] = { type, contains, values };
      continue;
    }
    const selected = key.includes('{') ? submetrics.get(key) : { metric: key, tags: {} };
    if (selected === undefined) {
      metrics[key] = { type, contains, values };
      continue;
    }
    const { metric, tags } = selected;
    // No snapshot means no sample: the count says so, the summary's zeros stay.
    const complete = input.store.snapshot(metric, tags, elapsedMs)?.values(RESULT_TREND_STATS) ?? { count: 0 };
    const histogram = input.encodedTrend?.(metric, tags);
    metrics[key] = {
      type,
      contains,
      values: { ...values, ...complete },
      // An empty histogram's min/max are ±Infinity, which JSON cannot hold.
      ...(histogram !== undefined && histogram.count > 0 ? { histogram } : {}),
    };
  }
  return metrics;
}

/**
 * The failures a metric counted, by kind: the values of the kind's tags (in the kind's order), with
 * the whole metric's count or failed requests. Kinds without failures are left out; kinds by
 * number ('error_code 1212' before '1300'), a kind without any of the tags last.
 */
function errorCounts(store: RunResultsInput['store'], kinds: NonNullable<ProtocolReport['errorKinds']>[number]): ErrorCount[] {
  const counts = new Map<string, { kind: Tags; count: number }>();
  for (const { tags, view } of store.series(kinds.metric)) {
    const count = view.value(view.definition.type === 'rate' ? 'passes' : 'count') ?? 0;
    if (count === 0) continue;
    const kind = errorKindOf(tags, kinds.tags);
    if (Object.keys(kind).length === 0 && kinds.untagged !== true) continue;
    const key = Object.values(kind).join('\u0000');
    const known = counts.get(key);
    counts.set(key, { kind, count: (known?.count ?? 0) + count });
  }
  return [...counts]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : compareNatural(a, b)))
    .map(([, { kind, count }]): ErrorCount => ({ metric: kinds.metric, kind, count }));
}
