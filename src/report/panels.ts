/**
 * The report's charts, planned from the time series: which panels to draw and which column of which
 * series each line shows. Lines refer to a series by its index instead of copying its numbers, so
 * the report carries the time series once; the page divides by the bucket length where a line is
 * per second. Panels and lines without data are left out.
 */
import { Metric } from '../metrics/builtin.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolReport } from '../protocols/types.js';
import type { SeriesColumns, TimeSeries } from '../results/types.js';
import type { Tags, ValueKind } from '../types.js';

export type ChartUnit = 'count' | 'perSecond' | 'ms' | 'bytes' | 'bytesPerSecond';
export type ColumnName = 'sum' | 'value' | 'passes' | 'p50' | 'p95' | 'p99';

export interface ChartLine {
  readonly label: string;
  /** Index into timeSeries.series. */
  readonly series: number;
  readonly column: ColumnName;
  /** A count per bucket, drawn per second of the bucket; a bucket without samples counts 0. */
  readonly perSecond: boolean;
}

export interface ChartPanel {
  /** The id of the panel's element in the page. */
  readonly id: string;
  readonly title: string;
  readonly unit: ChartUnit;
  /** What the lines are, beside the title: 'per second', 'p50 · p95 · p99; p95 by name'. */
  readonly note: string;
  readonly lines: readonly ChartLine[];
  /** Breakdown lines with data that did not fit under MAX_LINES. */
  readonly omitted: number;
}

/** More lines than this make a panel unreadable; the heaviest breakdowns are kept. */
export const MAX_LINES = 8;

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
/** The percentile that breakdown lines show. */
const BREAKDOWN_PERCENTILE = 'p95';

interface Indexed {
  readonly index: number;
  readonly series: SeriesColumns;
}

/** A line before capping, with its weight (how much it carries) to pick the breakdowns to keep. */
interface Candidate {
  readonly line: ChartLine;
  readonly weight: number;
}

interface Draft {
  readonly title: string;
  readonly unit: ChartUnit;
  readonly note: string;
  /** Always shown (totals). */
  readonly lines: readonly Candidate[];
  /** Shown while there is room, heaviest first. */
  readonly breakdowns: readonly Candidate[];
}

/** The protocols' panels and trends come between the core's first panels and its last. */
export function chartPanels(timeSeries: TimeSeries, reports: readonly ProtocolReport[] = PROTOCOLS.reports): ChartPanel[] {
  const all: Indexed[] = timeSeries.series.map((series, index) => ({ index, series }));
  const has = (candidate: Candidate): boolean => hasData(candidate.line, all, timeSeries.buckets);
  // The trends people look for first; any others follow in the order the results list them.
  const leading = [...reports.flatMap((report) => report.leadingTrends ?? []), Metric.iterationDuration];
  const drafts: Draft[] = [
    totalsPanel(all, 'Active VUs', 'count', [Metric.vus], false),
    totalsPanel(all, 'Iterations', 'perSecond', [Metric.iterations], true),
    ...reports.flatMap((report) => report.panels ?? []).map(({ title, metrics }) => totalsPanel(all, title, 'perSecond', metrics, true)),
    ...trendMetrics(all, leading).map((metric) => trendPanel(all, metric)),
    errorsPanel(all, reports.flatMap((report) => report.errorKinds ?? [])),
    totalsPanel(all, 'Data', 'bytesPerSecond', [Metric.dataSent, Metric.dataReceived], true),
  ];
  const panels: ChartPanel[] = [];
  for (const draft of drafts) {
    const lines = draft.lines.filter(has);
    const breakdowns = draft.breakdowns.filter(has).sort((a, b) => b.weight - a.weight);
    const room = Math.max(0, MAX_LINES - lines.length);
    const shown = [...lines, ...breakdowns.slice(0, room)].map((candidate) => candidate.line);
    if (shown.length === 0) continue;
    const omitted = Math.max(0, breakdowns.length - room);
    panels.push({ id: `chart-${panels.length}`, title: draft.title, unit: draft.unit, note: draft.note, lines: shown, omitted });
  }
  return panels;
}

/** The whole-metric series of each metric, one line each, labelled by the metric's name. */
function totalsPanel(all: readonly Indexed[], title: string, unit: ChartUnit, metrics: readonly string[], perSecond: boolean): Draft {
  const lines = metrics.flatMap((metric) =>
    all
      .filter(({ series }) => series.metric === metric && isTotal(series.tags))
      .map(({ index, series }) => candidate(series.metric, index, series, totalColumn(series), perSecond)),
  );
  return { title, unit, note: perSecond ? 'per second' : '', lines, breakdowns: [] };
}

/** p50/p95/p99 of the whole metric, then p95 per breakdown ({name:'login'}, ...). */
function trendPanel(all: readonly Indexed[], metric: string): Draft {
  const mine = all.filter(({ series }) => series.metric === metric && series.type === 'trend');
  const lines = mine
    .filter(({ series }) => isTotal(series.tags))
    .flatMap(({ index, series }) => PERCENTILES.map((percentile) => candidate(percentile, index, series, percentile, false)));
  const breakdowns = mine
    .filter(({ series }) => !isTotal(series.tags))
    .map(({ index, series }) => candidate(`${BREAKDOWN_PERCENTILE} ${tagLabel(series.tags)}`, index, series, BREAKDOWN_PERCENTILE, false));
  const byTags = [...new Set(mine.flatMap(({ series }) => Object.keys(series.tags)))];
  const note = `${PERCENTILES.join(' · ')}${byTags.length === 0 ? '' : `; ${BREAKDOWN_PERCENTILE} by ${byTags.join(', ')}`}`;
  return { title: metric, unit: trendUnit(mine[0]?.series.contains ?? 'default'), note, lines, breakdowns };
}

/** Errors per second by kind where the run broke them down, the metric's total where it did not. */
function errorsPanel(all: readonly Indexed[], errorKinds: NonNullable<ProtocolReport['errorKinds']>): Draft {
  const lines = errorKinds.flatMap(({ metric, tags: kindTags }) => {
    const mine = all.filter(({ series }) => series.metric === metric);
    const kinds = mine.filter(({ series }) => Object.keys(series.tags).some((tag) => kindTags.includes(tag)));
    const shown = kinds.length > 0 ? kinds : mine.filter(({ series }) => isTotal(series.tags));
    const label = (tags: Tags): string => (isTotal(tags) ? metric : `${metric} ${tagLabel(tags)}`);
    return shown.map(({ index, series }) => candidate(label(series.tags), index, series, totalColumn(series), true));
  });
  // A kind that never occurred is not an error worth a line.
  return { title: 'Errors by kind', unit: 'perSecond', note: 'per second', lines: [], breakdowns: lines.filter((line) => line.weight > 0) };
}

function trendMetrics(all: readonly Indexed[], leading: readonly string[]): string[] {
  const present = new Set(all.filter(({ series }) => series.type === 'trend').map(({ series }) => series.metric));
  return [...leading.filter((metric) => present.has(metric)), ...[...present].filter((metric) => !leading.includes(metric))];
}

function candidate(label: string, index: number, series: SeriesColumns, column: ColumnName, perSecond: boolean): Candidate {
  // Trends weigh by sample count: the busiest breakdowns are the ones worth a line.
  const weighed = series.type === 'trend' ? series.count : columnValues(series, column);
  return { line: { label, series: index, column, perSecond }, weight: total(weighed) };
}

function totalColumn(series: SeriesColumns): ColumnName {
  switch (series.type) {
    case 'counter':
      return 'sum';
    case 'gauge':
      return 'value';
    case 'rate':
      // A rate's passes are its non-zero samples: failed requests for http_req_failed.
      return 'passes';
    case 'trend':
      return 'p95';
  }
}

function columnValues(series: SeriesColumns, column: ColumnName): readonly (number | null)[] {
  switch (column) {
    case 'sum':
      return series.type === 'counter' ? series.sum : [];
    case 'value':
      return series.type === 'gauge' ? series.value : [];
    case 'passes':
      return series.type === 'rate' ? series.passes : [];
    default:
      return series.type === 'trend' ? series[column] : [];
  }
}

function hasData(line: ChartLine, all: readonly Indexed[], buckets: number): boolean {
  const series = all[line.series]?.series;
  return series !== undefined && columnValues(series, line.column).slice(0, buckets).some((value) => value !== null);
}

function trendUnit(contains: ValueKind): ChartUnit {
  if (contains === 'time') return 'ms';
  return contains === 'data' ? 'bytes' : 'count';
}

function isTotal(tags: Tags): boolean {
  return Object.keys(tags).length === 0;
}

function tagLabel(tags: Tags): string {
  return Object.entries(tags)
    .map(([tag, value]) => `${tag}=${value}`)
    .join(' ');
}

function total(values: readonly (number | null)[]): number {
  return values.reduce<number>((sum, value) => sum + (value ?? 0), 0);
}
