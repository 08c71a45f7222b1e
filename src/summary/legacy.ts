/**
 * k6's text summary before 1.0 (`--summary-mode legacy`): the checks tree, then every metric sorted
 * by name with dotted leaders to one column and its values in aligned columns. A pure function of the data.
 */
import type { SummaryData, SummaryGroup, SummaryMetric } from './data.js';
import { compareMetricKeys } from '../name-order.js';
import { Ansi, CellTable, FAIL, PASS, metricLabel, painter, trendCells, valueCells, width, type Paint } from './columns.js';

export interface TextSummaryOptions {
  /** Colour with ANSI escapes. */
  readonly color: boolean;
  /** Prefix of every line; default ' '. */
  readonly indent?: string;
}

const GROUP = '█';
const DETAILS = '↳';

/** The summary text, ending with a newline. */
export function renderLegacySummary(data: SummaryData, options: TextSummaryOptions): string {
  const paint = painter(options.color);
  const indent = options.indent ?? ' ';
  const lines = [...groupLines(data.root_group, `${indent}    `, paint), ...metricLines(data, `${indent}  `, paint)];
  return `${lines.join('\n')}\n`;
}

function groupLines(group: SummaryGroup, indent: string, paint: Paint): string[] {
  const lines: string[] = [];
  let inner = indent;
  if (group.name !== '') {
    lines.push(`${indent}${GROUP} ${group.name}`, '');
    inner = `${indent}  `;
  }
  for (const check of group.checks) {
    if (check.fails === 0) {
      lines.push(paint(`${inner}${PASS} ${check.name}`, Ansi.green));
      continue;
    }
    const percent = Math.floor((100 * check.passes) / (check.passes + check.fails));
    lines.push(
      paint(`${inner}${FAIL} ${check.name}`, Ansi.red),
      paint(`${inner} ${DETAILS}  ${percent}% — ${PASS} ${check.passes} / ${FAIL} ${check.fails}`, Ansi.red),
    );
  }
  if (group.checks.length > 0) lines.push('');
  for (const child of group.groups) lines.push(...groupLines(child, inner, paint));
  return lines;
}

interface MetricRow {
  readonly metric: SummaryMetric;
  /** Submetrics are shown as '{ tag:value }' beneath their metric, indented. */
  readonly label: string;
  readonly labelIndent: string;
  /** Trend: one cell per stat; others: the main value then its extras. */
  readonly cells: readonly string[];
}

function metricLines(data: SummaryData, indent: string, paint: Paint): string[] {
  const trendStats = data.options.summaryTrendStats;
  const rows = Object.entries(data.metrics)
    .sort(([a], [b]) => compareMetricKeys(a, b))
    .map(([key, metric]): MetricRow => {
      const { label, indent: labelIndent } = metricLabel(key);
      return { metric, label, labelIndent, cells: metric.noSamples === true ? [] : metric.type === 'trend' ? trendCells(metric, trendStats) : valueCells(metric, checkMarks) };
    });
  const labelWidth = Math.max(0, ...rows.map((row) => width(row.labelIndent + row.label)));
  const table = new CellTable(rows, trendStats, paint);
  return rows.map((row) => {
    const leader = paint(`${'.'.repeat(labelWidth - width(row.labelIndent + row.label) + 3)}:`, Ansi.faint);
    return `${indent}${row.labelIndent}${thresholdMark(row.metric, paint)} ${row.label}${leader} ${table.render(row)}`.trimEnd();
  });
}

function checkMarks(passes: number, fails: number): string[] {
  return [`${PASS} ${passes}`, `${FAIL} ${fails}`];
}

function thresholdMark(metric: SummaryMetric, paint: Paint): string {
  if (metric.thresholds === undefined) return ' ';
  const failed = Object.values(metric.thresholds).some((threshold) => !threshold.ok);
  return failed ? paint(FAIL, Ansi.red) : paint(PASS, Ansi.green);
}
