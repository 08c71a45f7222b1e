/**
 * The k6-style end-of-test text summary: the checks tree, then every metric sorted by name with
 * dotted leaders to one column and its values in aligned columns. A pure function of the data.
 */
import type { SummaryData, SummaryGroup, SummaryMetric } from './data.js';
import { formatValue, trimmedFixed } from './format.js';

export interface TextSummaryOptions {
  /** Colour with ANSI escapes. */
  readonly color: boolean;
  /** Prefix of every line; default ' '. */
  readonly indent?: string;
}

const PASS = '✓';
const FAIL = '✗';
const GROUP = '█';
const DETAILS = '↳';
const Ansi = { faint: 2, red: 31, green: 32, cyan: 36 } as const;

type Paint = (text: string, ...codes: number[]) => string;

/** The summary text, ending with a newline. */
export function renderTextSummary(data: SummaryData, options: TextSummaryOptions): string {
  const paint: Paint = options.color ? (text, ...codes) => `\x1b[${codes.join(';')}m${text}\x1b[0m` : (text) => text;
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
      const brace = key.indexOf('{');
      return {
        metric,
        label: brace < 0 ? key : `{ ${key.slice(brace + 1, -1)} }`,
        labelIndent: brace < 0 ? '' : '  ',
        cells: metric.noSamples === true ? [] : metric.type === 'trend' ? trendCells(metric, trendStats) : valueCells(metric),
      };
    });
  const labelWidth = Math.max(0, ...rows.map((row) => width(row.labelIndent + row.label)));
  // Trend cells and the other metrics' cells are aligned as two separate tables.
  const trendWidths = columnWidths(rows.filter((row) => row.metric.type === 'trend'));
  const valueWidths = columnWidths(rows.filter((row) => row.metric.type !== 'trend'));

  return rows.map((row) => {
    const leader = paint(`${'.'.repeat(labelWidth - width(row.labelIndent + row.label) + 3)}:`, Ansi.faint);
    const cells =
      row.metric.noSamples === true
        ? [paint('no samples', Ansi.faint)]
        : row.metric.type === 'trend'
        ? row.cells.map((cell, i) => `${trendStats[i] ?? ''}=${paint(cell, Ansi.cyan)}${padding(cell, trendWidths[i])}`)
        : row.cells.map((cell, i) => {
            const codes = i === 0 ? [Ansi.cyan] : [Ansi.cyan, Ansi.faint];
            // A lone extra (a counter's rate) needs no column of its own.
            const pad = i === 0 || row.cells.length > 2 ? padding(cell, valueWidths[i]) : '';
            return paint(cell, ...codes) + pad;
          });
    return `${indent}${row.labelIndent}${thresholdMark(row.metric, paint)} ${row.label}${leader} ${cells.join(' ')}`.trimEnd();
  });
}

function trendCells(metric: SummaryMetric, trendStats: readonly string[]): string[] {
  return trendStats.map((stat) => {
    const value = metric.values[stat];
    if (value === undefined) return '-';
    return stat === 'count' ? String(value) : formatValue(value, metric.type, metric.contains);
  });
}

function valueCells(metric: SummaryMetric): string[] {
  const { type, contains, values } = metric;
  const format = (name: string): string => formatValue(values[name] ?? 0, type, contains);
  switch (type) {
    case 'counter': {
      const rate = values['rate'] ?? 0;
      return [format('count'), `${contains === 'default' ? trimmedFixed(rate, 6) : formatValue(rate, type, contains)}/s`];
    }
    case 'gauge':
      return [format('value'), `min=${format('min')}`, `max=${format('max')}`];
    case 'rate':
      return [format('rate'), `${PASS} ${values['passes'] ?? 0}`, `${FAIL} ${values['fails'] ?? 0}`];
    case 'trend':
      return [];
  }
}

function thresholdMark(metric: SummaryMetric, paint: Paint): string {
  if (metric.thresholds === undefined) return ' ';
  const failed = Object.values(metric.thresholds).some((threshold) => !threshold.ok);
  return failed ? paint(FAIL, Ansi.red) : paint(PASS, Ansi.green);
}

/** By metric name; a submetric ('name{...}') right after its metric, submetrics by their filter. */
const collator = new Intl.Collator('en');
function compareMetricKeys(a: string, b: string): number {
  const parentA = a.split('{', 1)[0] ?? a;
  const parentB = b.split('{', 1)[0] ?? b;
  return collator.compare(parentA, parentB) || collator.compare(a.slice(parentA.length), b.slice(parentB.length));
}

function columnWidths(rows: readonly MetricRow[]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return widths;
}

function padding(cell: string, columnWidth: number | undefined): string {
  return ' '.repeat(Math.max(0, (columnWidth ?? 0) - width(cell)));
}

/** Width in terminal columns; every character used here is one column wide. */
function width(text: string): number {
  return [...text].length;
}
