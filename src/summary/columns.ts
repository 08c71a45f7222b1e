/**
 * What both text summaries (k6 1.x's and the legacy one) are made of: a metric's values as cells,
 * columns padded to one width, dotted leaders, submetric labels and ANSI colour.
 */
import type { SummaryMetric } from './data.js';
import { formatValue, trimmedFixed } from './format.js';

export const PASS = '✓';
export const FAIL = '✗';
export const Ansi = { bold: 1, faint: 2, red: 31, green: 32, cyan: 36, white: 37 } as const;

export type Paint = (text: string, ...codes: number[]) => string;

export function painter(color: boolean): Paint {
  return color ? (text, ...codes) => `\x1b[${codes.join(';')}m${text}\x1b[0m` : (text) => text;
}

/** One cell per trend stat; '-' for a stat the metric has no value of. */
export function trendCells(metric: SummaryMetric, trendStats: readonly string[]): string[] {
  return trendStats.map((stat) => {
    const value = metric.values[stat];
    if (value === undefined) return '-';
    return stat === 'count' ? String(value) : formatValue(value, metric.type, metric.contains);
  });
}

/**
 * A counter, gauge or rate as its main value then its extras; `rateExtras` says how a rate's passes
 * and fails read ('✓ 3', '✗ 1' in the legacy summary, '3 out of 4' in k6 1.x's).
 */
export function valueCells(metric: SummaryMetric, rateExtras: (passes: number, fails: number) => string[]): string[] {
  const { type, contains, values } = metric;
  const format = (name: string): string => formatValue(values[name] ?? 0, type, contains);
  switch (type) {
    case 'counter':
      return [format('count'), counterRate(metric)];
    case 'gauge':
      return [format('value'), `min=${format('min')}`, `max=${format('max')}`];
    case 'rate':
      return [format('rate'), ...rateExtras(values['passes'] ?? 0, values['fails'] ?? 0)];
    case 'trend':
      return [];
  }
}

/** A counter's rate: '2.5/s', or '12 kB/s' for data. */
export function counterRate(metric: SummaryMetric): string {
  const rate = metric.values['rate'] ?? 0;
  return `${metric.contains === 'default' ? trimmedFixed(rate, 6) : formatValue(rate, metric.type, metric.contains)}/s`;
}

/** A row of metric values: a trend's cell per stat, or another metric's main value then its extras. */
export interface CellRow {
  readonly metric: SummaryMetric;
  readonly cells: readonly string[];
}

/**
 * Metrics' values in aligned columns: the trends' cells as one table and the other metrics' as
 * another, so that every 'p(95)=' and every main value starts in the same column.
 */
export class CellTable {
  readonly #trendWidths: number[];
  readonly #valueWidths: number[];

  constructor(
    rows: readonly CellRow[],
    private readonly trendStats: readonly string[],
    private readonly paint: Paint,
  ) {
    this.#trendWidths = columnWidths(rows.filter((row) => row.metric.type === 'trend').map((row) => row.cells));
    this.#valueWidths = columnWidths(rows.filter((row) => row.metric.type !== 'trend').map((row) => row.cells));
  }

  render(row: CellRow): string {
    const { paint } = this;
    if (row.metric.noSamples === true) return paint('no samples', Ansi.faint);
    if (row.metric.type === 'trend') {
      return row.cells.map((cell, i) => `${this.trendStats[i] ?? ''}=${paint(cell, Ansi.cyan)}${padding(cell, this.#trendWidths[i])}`).join(' ');
    }
    return row.cells
      .map((cell, i) => {
        const codes = i === 0 ? [Ansi.cyan] : [Ansi.cyan, Ansi.faint];
        // A lone extra (a counter's rate) needs no column of its own.
        const pad = i === 0 || row.cells.length > 2 ? padding(cell, this.#valueWidths[i]) : '';
        return paint(cell, ...codes) + pad;
      })
      .join(' ');
  }
}

/** The widest cell of each column. */
export function columnWidths(rows: readonly (readonly string[])[]): number[] {
  const widths: number[] = [];
  for (const cells of rows) cells.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))));
  return widths;
}

export function padding(cell: string, columnWidth: number | undefined): string {
  return ' '.repeat(Math.max(0, (columnWidth ?? 0) - width(cell)));
}

/** Width in terminal columns; every character used here is one column wide. */
export function width(text: string): number {
  return [...text].length;
}

/** How a metric key is labelled: a submetric ('name{tag:value}') as '{ tag:value }', indented beneath its metric. */
export function metricLabel(key: string): { readonly label: string; readonly indent: string } {
  const brace = key.indexOf('{');
  return brace < 0 ? { label: key, indent: '' } : { label: `{ ${key.slice(brace + 1, -1)} }`, indent: '  ' };
}

