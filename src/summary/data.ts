/**
 * The end-of-test summary data, in the shape k6 hands to `handleSummary(data)`, so k6 users'
 * handleSummary functions work unchanged. Built once from the metric store after the run.
 */
import { createHash } from 'node:crypto';
import { Metric } from '../metrics/builtin.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolReport } from '../protocols/types.js';
import { createSeriesState } from '../metrics/series.js';
import type { MetricStore } from '../metrics/store.js';
import { compareNames } from '../name-order.js';
import { DEFAULT_TREND_STATS, SnapshotView } from '../metrics/view.js';
import type { MetricDefinition, MetricType, MetricValues, Tags, ValueKind } from '../types.js';

/** k6 joins group names into paths with this; the root group's path is ''. */
const GROUP_SEPARATOR = '::';

/** What the summary needs of a threshold's outcome (structurally the thresholds module's ThresholdOutcome). */
export interface SummaryThresholdOutcome {
  readonly spec: {
    /** The key as written: 'http_req_duration' or 'http_req_duration{status:200}'. */
    readonly key: string;
    readonly metric: string;
    readonly tags: Tags;
    readonly expression: { readonly source: string };
  };
  readonly ok: boolean;
}

export interface SummaryInput {
  readonly store: Pick<MetricStore, 'metricNames' | 'definition' | 'snapshot' | 'series'>;
  readonly elapsedMs: number;
  readonly thresholds: readonly SummaryThresholdOutcome[];
  /** Default: avg, min, med, max, p(90), p(95). */
  readonly trendStats?: readonly string[];
  readonly noColor: boolean;
  readonly isStdOutTTY: boolean;
  readonly isStdErrTTY: boolean;
  /** The protocols' contributions (which metrics split by kind of error); default: wsk's protocols. */
  readonly reports?: readonly ProtocolReport[];
}

export interface SummaryCheck {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly passes: number;
  readonly fails: number;
}

export interface SummaryGroup {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly groups: SummaryGroup[];
  readonly checks: SummaryCheck[];
}

export interface SummaryMetric {
  readonly type: MetricType;
  readonly contains: ValueKind;
  readonly values: MetricValues;
  /** By expression source; present only for metrics that have thresholds. */
  thresholds?: Record<string, { ok: boolean }>;
  /** A threshold's metric that got no sample: its values are zeros that were never measured. */
  noSamples?: true;
}

export interface SummaryData {
  readonly root_group: SummaryGroup;
  readonly options: { readonly summaryTrendStats: readonly string[]; readonly summaryTimeUnit: null; readonly noColor: boolean };
  readonly state: { readonly isStdOutTTY: boolean; readonly isStdErrTTY: boolean; readonly testRunDurationMs: number };
  /** Metrics by name; submetrics with thresholds by their key, 'name{tag:value}'. */
  readonly metrics: Record<string, SummaryMetric>;
}

export function buildSummaryData(input: SummaryInput): SummaryData {
  const trendStats = input.trendStats ?? DEFAULT_TREND_STATS;
  return {
    root_group: buildGroups(input.store),
    options: { summaryTrendStats: [...trendStats], summaryTimeUnit: null, noColor: input.noColor },
    state: { isStdOutTTY: input.isStdOutTTY, isStdErrTTY: input.isStdErrTTY, testRunDurationMs: input.elapsedMs },
    metrics: buildMetrics(input, trendStats),
  };
}

/** `--summary-export`: the same data as pretty JSON. */
export function summaryJson(data: SummaryData): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

function buildMetrics(input: SummaryInput, trendStats: readonly string[]): Record<string, SummaryMetric> {
  const { store, elapsedMs } = input;
  const metrics: Record<string, SummaryMetric> = {};
  const entry = (definition: MetricDefinition, tags: Tags): SummaryMetric => {
    const view = store.snapshot(definition.name, tags, elapsedMs) ?? emptyView(definition);
    return { type: definition.type, contains: definition.contains, values: view.values(trendStats) };
  };
  for (const name of store.metricNames()) {
    const definition = store.definition(name);
    if (definition !== undefined) metrics[name] = entry(definition, {});
  }
  addErrorKinds(metrics, input, entry);
  // A threshold's metric appears even without samples (as zeros), so its outcome is visible.
  for (const { spec, ok } of input.thresholds) {
    const definition = store.definition(spec.metric);
    if (definition === undefined) continue;
    const key = Object.keys(spec.tags).length === 0 ? spec.metric : spec.key;
    const metric = (metrics[key] ??= entry(definition, spec.tags));
    if (store.snapshot(spec.metric, spec.tags, elapsedMs) === undefined) metric.noSamples = true;
    metric.thresholds ??= {};
    const previous = metric.thresholds[spec.expression.source];
    metric.thresholds[spec.expression.source] = { ok: ok && (previous?.ok ?? true) };
  }
  return metrics;
}

/** `ws_errors{error:handshake_status,status:403}` and so on: one entry per kind of error seen. */
function addErrorKinds(
  metrics: Record<string, SummaryMetric>,
  input: SummaryInput,
  entry: (definition: MetricDefinition, tags: Tags) => SummaryMetric,
): void {
  const errorKinds = (input.reports ?? PROTOCOLS.reports).flatMap((report) => report.errorKinds ?? []);
  for (const { metric: name, tags: kindTags } of errorKinds) {
    const definition = input.store.definition(name);
    if (definition === undefined) continue;
    const kinds = new Map<string, Tags>();
    for (const { tags } of input.store.series(name)) {
      const kind = errorKindOf(tags, kindTags);
      if (Object.keys(kind).length === 0) continue;
      kinds.set(`${name}{${Object.entries(kind).map(([tag, value]) => `${tag}:${value}`).join(',')}}`, kind);
    }
    for (const [key, tags] of [...kinds].sort(([a], [b]) => compareNames(a, b))) metrics[key] = entry(definition, tags);
  }
}

/** The tags of a sample that say which kind of error it was, in the order a protocol lists them. */
export function errorKindOf(tags: Tags, kindTags: readonly string[]): Record<string, string> {
  const kind: Record<string, string> = {};
  for (const tag of kindTags) if (tags[tag] !== undefined) kind[tag] = tags[tag];
  return kind;
}

function emptyView(definition: MetricDefinition): SnapshotView {
  return new SnapshotView(definition, createSeriesState(definition.type).aggregate(), 0);
}

/** The group tree with its checks, from the `checks` rate metric's series (tags `group` and `check`). */
function buildGroups(store: SummaryInput['store']): SummaryGroup {
  const root = newGroup('', '');
  const groups = new Map<string, SummaryGroup>([['', root]]);
  const checks = new Map<string, { group: SummaryGroup; name: string; passes: number; fails: number }>();
  for (const { tags, view } of store.series(Metric.checks)) {
    const name = tags['check'];
    if (name === undefined) continue;
    const group = groupAt(tags['group'] ?? '', groups);
    const path = group.path + GROUP_SEPARATOR + name;
    // Series differ in other tags too (scenario, ...); a check is one line whatever they are.
    let check = checks.get(path);
    if (check === undefined) {
      check = { group, name, passes: 0, fails: 0 };
      checks.set(path, check);
    }
    check.passes += view.value('passes') ?? 0;
    check.fails += view.value('fails') ?? 0;
  }
  for (const [path, { group, name, passes, fails }] of checks) {
    group.checks.push({ name, path, id: md5(path), passes, fails });
  }
  return root;
}

/** The group at `path` ('::a::b'), created with its ancestors as needed. */
function groupAt(path: string, groups: Map<string, SummaryGroup>): SummaryGroup {
  const existing = groups.get(path);
  if (existing !== undefined) return existing;
  const cut = path.lastIndexOf(GROUP_SEPARATOR);
  const parent = groupAt(cut <= 0 ? '' : path.slice(0, cut), groups);
  const group = newGroup(cut < 0 ? path : path.slice(cut + GROUP_SEPARATOR.length), path);
  parent.groups.push(group);
  groups.set(path, group);
  return group;
}

// k6 identifies groups and checks by the MD5 of their path.
function newGroup(name: string, path: string): SummaryGroup {
  return { name, path, id: md5(path), groups: [], checks: [] };
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}
