/**
 * What k6 1.x's end-of-test summary shows, before it is text: the thresholds, then the total
 * results (the checks, then the metrics in sections by kind), and with `--summary-mode full` the
 * same for each group and each scenario. Built from the summary data (handleSummary's argument), so
 * the printed summary and `textSummary(data)` are one rendering of one thing.
 */
import type { SummaryData, SummaryGroup, SummaryMetric } from './data.js';
import { compareMetricKeys } from '../name-order.js';
import { SummarySections, type SectionDetail } from './sections.js';

export const SUMMARY_MODES = ['compact', 'full', 'legacy'] as const;
export type SummaryMode = (typeof SUMMARY_MODES)[number];

export interface ReportMetric {
  /** The metric's name, or a submetric's key ('http_req_duration{name:login}'). */
  readonly key: string;
  readonly metric: SummaryMetric;
}

export interface ReportSection {
  readonly title: string;
  readonly metrics: readonly ReportMetric[];
}

export interface CheckCount {
  readonly name: string;
  readonly passes: number;
  readonly fails: number;
}

export interface ReportChecks {
  /** checks_total, checks_succeeded and checks_failed. */
  readonly totals: readonly ReportMetric[];
  /** Each check by name, in the order they were first seen. */
  readonly checks: readonly CheckCount[];
}

/** The results of the whole test, of a group or of a scenario. */
export interface ReportBlock {
  /** Undefined when no check ran here. */
  readonly checks: ReportChecks | undefined;
  readonly sections: readonly ReportSection[];
  readonly groups: readonly ReportGroup[];
}

export interface ReportGroup extends ReportBlock {
  readonly name: string;
}

export interface ThresholdResult {
  readonly source: string;
  readonly ok: boolean;
  /** The aggregate the expression names ('p(95)' of 'p(95)<500'), and its value when known. */
  readonly aggregate: string;
  readonly value: number | undefined;
}

export interface ReportThreshold {
  readonly key: string;
  readonly metric: SummaryMetric;
  readonly results: readonly ThresholdResult[];
}

export interface SummaryReport {
  readonly trendStats: readonly string[];
  readonly thresholds: readonly ReportThreshold[];
  readonly total: ReportBlock;
  /** Full mode: the groups of the default scenario, and each other scenario with its groups. */
  readonly groups: readonly ReportGroup[];
  readonly scenarios: readonly ReportGroup[];
}

/** Per-group and per-scenario metrics and checks, for the full summary (breakdown.ts makes them from the store). */
export interface Breakdown {
  readonly groups: readonly BreakdownNode[];
  readonly scenarios: readonly BreakdownNode[];
}

export interface BreakdownNode {
  readonly name: string;
  readonly metrics: Readonly<Record<string, SummaryMetric>>;
  readonly checks: readonly CheckCount[];
  readonly groups: readonly BreakdownNode[];
}

export interface ReportOptions {
  readonly detail: SectionDetail;
  readonly sections?: SummarySections;
  /** The value a threshold compared, for one whose aggregate the data's values lack (a p(99) beyond summaryTrendStats). */
  readonly observed?: (key: string, source: string) => number | undefined;
  readonly breakdown?: Breakdown;
  /** The total's checks in the order they first ran; without them, in the order of the data's group tree. */
  readonly checks?: readonly CheckCount[];
}

const CHECKS_TOTAL = 'checks_total';
const CHECKS_SUCCEEDED = 'checks_succeeded';
const CHECKS_FAILED = 'checks_failed';

export function buildReport(data: SummaryData, options: ReportOptions): SummaryReport {
  const sections = options.sections ?? new SummarySections();
  const durationMs = data.state.testRunDurationMs;
  const block = (metrics: Readonly<Record<string, SummaryMetric>>, checks: readonly CheckCount[], groups: readonly ReportGroup[]): ReportBlock => ({
    checks: checksOf(metrics['checks'], checks, durationMs),
    sections: sectioned(metrics, sections, options.detail),
    groups,
  });
  const group = (node: BreakdownNode): ReportGroup => ({ name: node.name, ...block(node.metrics, node.checks, node.groups.map(group)) });
  return {
    trendStats: data.options.summaryTrendStats,
    thresholds: thresholdsOf(data.metrics, options.observed),
    total: block(data.metrics, options.checks ?? checkCounts(data.root_group), []),
    groups: options.breakdown?.groups.map(group) ?? [],
    scenarios: options.breakdown?.scenarios.map(group) ?? [],
  };
}

/** The metrics by section (custom ones first, then by rank), each sorted by key. */
function sectioned(metrics: Readonly<Record<string, SummaryMetric>>, sections: SummarySections, detail: SectionDetail): ReportSection[] {
  const bySection = new Map<string, { rank: number; metrics: ReportMetric[] }>();
  for (const key of Object.keys(metrics).sort(compareMetricKeys)) {
    const section = sections.sectionOf(key, detail);
    if (section === undefined) continue;
    let entry = bySection.get(section.title);
    if (entry === undefined) bySection.set(section.title, (entry = { rank: section.rank, metrics: [] }));
    entry.metrics.push({ key, metric: metrics[key]! });
  }
  return [...bySection].sort(([, a], [, b]) => a.rank - b.rank).map(([title, { metrics: entries }]) => ({ title, metrics: entries }));
}

/** The checks' totals as k6 1.x counts them: every check run, those that passed and those that failed. */
function checksOf(checks: SummaryMetric | undefined, counts: readonly CheckCount[], durationMs: number): ReportChecks | undefined {
  if (checks === undefined) return undefined;
  const passes = checks.values['passes'] ?? 0;
  const fails = checks.values['fails'] ?? 0;
  const total = passes + fails;
  const share = (part: number): number => (total === 0 ? 0 : part / total);
  const rate = (values: Record<string, number>): SummaryMetric => ({ type: 'rate', contains: 'default', values });
  return {
    totals: [
      { key: CHECKS_TOTAL, metric: { type: 'counter', contains: 'default', values: { count: total, rate: durationMs > 0 ? total / (durationMs / 1000) : 0 } } },
      { key: CHECKS_SUCCEEDED, metric: rate({ rate: share(passes), passes, fails }) },
      { key: CHECKS_FAILED, metric: rate({ rate: share(fails), passes: fails, fails: passes }) },
    ],
    checks: counts,
  };
}

/** Every check of the group tree, one line per name (k6 1.x adds up checks of one name wherever they ran). */
function checkCounts(root: SummaryGroup): CheckCount[] {
  const counts = new Map<string, { passes: number; fails: number }>();
  const visit = (group: SummaryGroup): void => {
    for (const { name, passes, fails } of group.checks) {
      const count = counts.get(name);
      if (count === undefined) counts.set(name, { passes, fails });
      else {
        count.passes += passes;
        count.fails += fails;
      }
    }
    for (const child of group.groups) visit(child);
  };
  visit(root);
  return [...counts].map(([name, { passes, fails }]) => ({ name, passes, fails }));
}

function thresholdsOf(metrics: Readonly<Record<string, SummaryMetric>>, observed: ReportOptions['observed']): ReportThreshold[] {
  return Object.keys(metrics)
    .sort(compareMetricKeys)
    .flatMap((key) => {
      const metric = metrics[key]!;
      const thresholds = Object.entries(metric.thresholds ?? {});
      if (thresholds.length === 0) return [];
      const results = thresholds.map(([source, { ok }]): ThresholdResult => {
        const aggregate = aggregateOf(source);
        return { source, ok, aggregate, value: metric.values[aggregate] ?? observed?.(key, source) };
      });
      return [{ key, metric, results }];
    });
}

/** 'p(95)' of 'p(95)<500', 'rate' of 'rate>=0.9'. */
function aggregateOf(source: string): string {
  return (source.split(/[=<>!]/, 1)[0] ?? '').replace(/\s+/g, '');
}
