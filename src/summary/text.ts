/**
 * The end-of-test text summary in k6 1.x's layout: the thresholds with the values they compared,
 * then TOTAL RESULTS (the checks' totals and each check, then the metrics in sections by kind:
 * CUSTOM, HTTP, EXECUTION, NETWORK, WEBSOCKET...), and in full mode a section per group and per
 * scenario. `--summary-mode legacy` prints the layout before 1.0 (legacy.ts). Pure functions.
 */
import type { SummaryData, SummaryMetric } from './data.js';
import { Ansi, CellTable, FAIL, PASS, counterRate, metricLabel, painter, trendCells, valueCells, width, type CellRow, type Paint } from './columns.js';
import { formatValue } from './format.js';
import { renderLegacySummary } from './legacy.js';
import { buildReport, type Breakdown, type CheckCount, type ReportBlock, type ReportMetric, type ReportOptions, type SummaryMode, type SummaryReport } from './report.js';
import type { SummarySections } from './sections.js';

export interface SummaryTextOptions {
  readonly mode: SummaryMode;
  /** Colour with ANSI escapes. */
  readonly color: boolean;
  /** Prefix of every line: '' for k6 1.x's layout and ' ' for the legacy one unless given. */
  readonly indent?: string;
  readonly sections?: SummarySections;
  readonly observed?: ReportOptions['observed'];
  /** Full mode's per-group and per-scenario results; without them the full summary shows the totals only. */
  readonly breakdown?: Breakdown;
  readonly checks?: ReportOptions['checks'];
}

const TITLE = '█';
const SUBTITLE = '↳';
/** Where a block's lines start, and how much deeper each nested group's. */
const BLOCK_INDENT = 4;
const NESTED_INDENT = 2;

/** The summary text in the layout `mode` names, ending with a newline. */
export function summaryText(data: SummaryData, options: SummaryTextOptions): string {
  if (options.mode === 'legacy') return renderLegacySummary(data, { color: options.color, indent: options.indent });
  const report = buildReport(data, {
    detail: options.mode,
    sections: options.sections,
    observed: options.observed,
    breakdown: options.mode === 'full' ? options.breakdown : undefined,
    checks: options.checks,
  });
  return renderReport(report, { color: options.color, indent: options.indent });
}

export function renderReport(report: SummaryReport, options: { readonly color: boolean; readonly indent?: string | undefined }): string {
  const paint = painter(options.color);
  const lines: string[] = [];
  const section = (title: string, content: readonly string[]): void => {
    lines.push(`  ${TITLE} ${paint(title, Ansi.bold)}`, '', ...content, '');
  };
  if (report.thresholds.length > 0) section('THRESHOLDS', thresholdLines(report, paint));
  section('TOTAL RESULTS', blockLines(report.total, BLOCK_INDENT, report.trendStats, paint));
  for (const group of report.groups) section(`GROUP: ${group.name}`, blockLines(group, BLOCK_INDENT, report.trendStats, paint));
  for (const scenario of report.scenarios) section(`SCENARIO: ${scenario.name}`, blockLines(scenario, BLOCK_INDENT, report.trendStats, paint));
  const indent = options.indent ?? '';
  while (lines.at(-1) === '') lines.pop();
  return `${lines.map((line) => (line === '' ? line : indent + line)).join('\n')}\n`;
}

/** Each metric with thresholds, and beneath it each threshold with the value it compared. */
function thresholdLines(report: SummaryReport, paint: Paint): string[] {
  const keys = new Set(report.thresholds.map((threshold) => threshold.key));
  return report.thresholds.flatMap(({ key, metric, results }) => {
    const parent = key.split('{', 1)[0] ?? key;
    // A submetric beneath its metric's own thresholds is shown by its filter only, one step in.
    const beneath = parent !== key && keys.has(parent);
    const indent = ' '.repeat(BLOCK_INDENT + (beneath ? NESTED_INDENT : 0));
    return [
      `${indent}${beneath ? key.slice(parent.length) : key}`,
      ...results.map(({ source, ok, aggregate, value }) => {
        const mark = ok ? paint(PASS, Ansi.green) : paint(FAIL, Ansi.red);
        const observed =
          metric.noSamples === true ? paint('(no samples)', Ansi.faint) : value === undefined ? '' : `${paint(aggregate, Ansi.white)}=${paint(statText(metric, aggregate, value), Ansi.cyan)}`;
        return `${indent}${mark} ${paint(`'${source.trim()}'`, Ansi.white)} ${observed}`.trimEnd();
      }),
      '',
    ];
  });
}

/** A value of one of a metric's stats, as its row shows it. */
function statText(metric: SummaryMetric, stat: string, value: number): string {
  if (metric.type === 'counter' && stat === 'rate') return counterRate({ ...metric, values: { rate: value } });
  if (metric.type === 'trend' && stat === 'count') return String(value);
  return formatValue(value, metric.type, metric.contains);
}

/** The checks, the metrics by section, then the nested groups, each part ending with a blank line. */
function blockLines(block: ReportBlock, indentWidth: number, trendStats: readonly string[], paint: Paint): string[] {
  const indent = ' '.repeat(indentWidth);
  const lines: string[] = [];
  if (block.checks !== undefined) {
    lines.push(...metricTable([block.checks.totals], indent, trendStats, paint).flat(), '', ...checkLines(block.checks.checks, indent, paint), '');
  }
  // All sections of a block share one name column and one set of value columns.
  const tables = metricTable(block.sections.map((section) => section.metrics), indent, trendStats, paint);
  block.sections.forEach((section, i) => lines.push(`${indent}${paint(section.title, Ansi.bold)}`, ...(tables[i] ?? []), ''));
  for (const group of block.groups) {
    lines.push(`${indent}${SUBTITLE} ${paint(`GROUP: ${group.name}`, Ansi.bold)}`, '', ...blockLines(group, indentWidth + NESTED_INDENT, trendStats, paint));
  }
  return lines;
}

function checkLines(checks: readonly CheckCount[], indent: string, paint: Paint): string[] {
  return checks.flatMap(({ name, passes, fails }) => {
    if (fails === 0) return [paint(`${indent}${PASS} ${name}`, Ansi.green)];
    const percent = Math.floor((100 * passes) / (passes + fails));
    return [
      paint(`${indent}${FAIL} ${name}`, Ansi.red),
      paint(`${indent}  ${SUBTITLE}  ${percent}% — ${PASS} ${passes} / ${FAIL} ${fails}`, Ansi.red),
    ];
  });
}

/** Rows of metrics, in groups of rows aligned together: dotted leaders to one column, values in columns. */
function metricTable(groups: readonly (readonly ReportMetric[])[], indent: string, trendStats: readonly string[], paint: Paint): string[][] {
  const rows = groups.map((metrics) =>
    metrics.map(({ key, metric }): CellRow & { readonly name: string } => {
      const { indent: labelIndent, label } = metricLabel(key);
      const cells = metric.noSamples === true ? [] : metric.type === 'trend' ? trendCells(metric, trendStats) : valueCells(metric, outOf);
      return { metric, name: labelIndent + label, cells };
    }),
  );
  const all = rows.flat();
  const nameWidth = Math.max(0, ...all.map((row) => width(row.name)));
  const table = new CellTable(all, trendStats, paint);
  return rows.map((group) =>
    group.map((row) => {
      const leader = paint(`${'.'.repeat(nameWidth - width(row.name) + 3)}:`, Ansi.faint, Ansi.white);
      return `${indent}${row.name}${leader} ${table.render(row)}`.trimEnd();
    }),
  );
}

function outOf(passes: number, fails: number): string[] {
  return [`${passes} out of ${passes + fails}`];
}
