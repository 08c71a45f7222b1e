/**
 * `--out markdown=file.md`: a summary for a pull-request comment (GitHub-flavoured tables): the
 * verdict, the thresholds with what they observed, the checks, errors by kind, and the key metrics
 * (those with samples; submetrics are left to the other outputs).
 */
import { formatDuration, formatPercent } from '../summary/format.js';
import { aggregationOf, formatObserved, perSecond, withUnit } from './format.js';
import type { MetricResult, RunResults } from './types.js';

const ROOT_GROUP = '(root)';

export function resultsMarkdown(results: RunResults): string {
  const sections = [
    `## ${verdict(results)}`,
    runLine(results),
    thresholdsTable(results),
    checksTable(results),
    errorsTable(results),
    metricsTable(results),
  ];
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`;
}

function verdict(results: RunResults): string {
  const failed = results.thresholds.filter((threshold) => !threshold.ok).length;
  const total = results.thresholds.length;
  if (failed > 0) {
    const aborted = results.stoppedBy === 'threshold' ? ', the run was aborted' : '';
    return `❌ failed — ${failed} of ${total} thresholds failed${aborted}`;
  }
  if (results.exitCode !== 0) {
    const why = results.stoppedBy === '' ? '' : ` (stopped by ${results.stoppedBy})`;
    return `❌ failed — exit code ${results.exitCode}${why}`;
  }
  return total === 0 ? '✅ passed' : `✅ passed — ${total} of ${total} thresholds passed`;
}

function runLine(results: RunResults): string {
  return `${code(results.script)} · ${results.startedAt} · ${formatDuration(results.durationMs)} · wsk ${results.wsk.version}`;
}

function thresholdsTable(results: RunResults): string {
  if (results.thresholds.length === 0) return '';
  const rows = results.thresholds.map(({ key, metric, expression, observed, ok }) => {
    const result = results.metrics[key] ?? results.metrics[metric];
    const aggregation = aggregationOf(expression);
    const seen = observed === null ? 'no samples' : formatObserved(observed, aggregation, result?.type, result?.contains ?? 'default');
    return [code(key), code(expression), text(seen), ok ? '✅ pass' : '❌ fail'];
  });
  return `### Thresholds\n\n${table(['Metric', 'Threshold', 'Observed', 'Result'], rows)}`;
}

function checksTable(results: RunResults): string {
  if (results.checks.length === 0) return '';
  const rows = results.checks.map(({ group, name, passes, fails }) => [
    text(group === '' ? ROOT_GROUP : group),
    text(name),
    String(passes),
    String(fails),
    `${fails === 0 ? '✅' : '❌'} ${formatPercent(passes / Math.max(passes + fails, 1))}`,
  ]);
  return `### Checks\n\n${table(['Group', 'Check', 'Passes', 'Fails', 'Passed'], rows)}`;
}

function errorsTable(results: RunResults): string {
  if (results.errors.length === 0) return '';
  const rows = results.errors.map(({ metric, kind, count }) => [
    code(metric),
    text(Object.entries(kind).map(([tag, value]) => `${tag}: ${value}`).join(', ') || '(unspecified)'),
    String(count),
  ]);
  return `### Errors\n\n${table(['Metric', 'Kind', 'Count'], rows)}`;
}

function metricsTable(results: RunResults): string {
  const seconds = results.durationMs / 1000;
  const rows: string[][] = [];
  for (const name of Object.keys(results.metrics).sort()) {
    const metric = results.metrics[name];
    if (metric === undefined || name.includes('{') || !hasSamples(metric)) continue;
    rows.push([code(name), ...metricCells(metric, seconds)]);
  }
  if (rows.length === 0) return '';
  return `### Metrics\n\n${table(['Metric', 'Total', 'Avg', 'p95', 'p99', 'Max'], rows)}`;
}

function hasSamples({ type, values }: MetricResult): boolean {
  switch (type) {
    case 'counter':
      return (values['count'] ?? 0) > 0;
    case 'rate':
      return (values['passes'] ?? 0) + (values['fails'] ?? 0) > 0;
    case 'trend':
      return (values['count'] ?? 0) > 0;
    case 'gauge':
      return true;
  }
}

/** Total, Avg, p95, p99, Max of one metric. */
function metricCells({ type, contains, values }: MetricResult, seconds: number): string[] {
  const unit = (key: string): string => {
    const value = values[key];
    return value === undefined ? '' : withUnit(value, contains);
  };
  switch (type) {
    case 'counter': {
      const count = values['count'] ?? 0;
      const rate = seconds > 0 ? ` (${perSecond(count / seconds, contains)})` : '';
      return [`${withUnit(count, contains)}${rate}`, '', '', '', ''];
    }
    case 'gauge':
      return [`${unit('value')} (min ${unit('min')}, max ${unit('max')})`, '', '', '', ''];
    case 'rate': {
      const passes = values['passes'] ?? 0;
      const total = passes + (values['fails'] ?? 0);
      return [`${formatPercent(values['rate'] ?? 0)} (${passes} of ${total})`, '', '', '', ''];
    }
    case 'trend':
      return [values['count'] === undefined ? '' : String(values['count']), unit('avg'), unit('p(95)'), unit('p(99)'), unit('max')];
  }
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** User text in a table cell: Markdown and HTML cannot act on it, and "|" cannot end the cell. */
function text(value: string): string {
  return value
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]<>&|#~!]/g, (char) => HTML_ENTITIES[char] ?? `\\${char}`);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** Code-formatted text in a table cell; GitHub reads "\|" as "|" even inside a code span. */
function code(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  if (flat.includes('`')) return text(flat);
  return `\`${flat.replaceAll('|', '\\|')}\``;
}
