/**
 * The report's tables as HTML: thresholds with what they observed, checks, errors by kind, and every
 * metric's final values, formatted as the text summary formats them (ms for time, kB for data).
 */
import { compareMetricKeys } from '../name-order.js';
import type { CheckResult, EndpointResult, ErrorCount, MetricResult, RunResults, ThresholdResult } from '../results/types.js';
import { formatPercent, formatValue, trimmedFixed } from '../summary/format.js';
import type { Tags } from '../types.js';
import { escapeHtml } from './escape.js';

export function thresholdsTable(results: RunResults): string {
  if (results.thresholds.length === 0) return '<p class="empty">No thresholds were set.</p>';
  const rows = results.thresholds.map((threshold) => {
    const metric = results.metrics[threshold.key] ?? results.metrics[threshold.metric];
    const observed = threshold.observed === null ? 'no samples' : formatObserved(threshold, threshold.observed, metric);
    return (
      `<tr class="${threshold.ok ? 'ok' : 'failed'}"><td><code>${escapeHtml(threshold.key)}</code></td>` +
      `<td><code>${escapeHtml(threshold.expression)}</code>${threshold.abortOnFail ? ' <span class="note">abortOnFail</span>' : ''}</td>` +
      `<td class="num"${threshold.observed === null ? '' : ` title="${threshold.observed}"`}>${escapeHtml(observed)}</td>` +
      `<td>${badge(threshold.ok)}</td></tr>`
    );
  });
  return table(['Metric', 'Threshold', 'Observed', 'Result'], rows, ['', '', 'num', '']);
}

export function checksTable(checks: readonly CheckResult[]): string {
  if (checks.length === 0) return '<p class="empty">No checks ran.</p>';
  const rows = checks.map((check) => {
    const runs = check.passes + check.fails;
    const rate = runs === 0 ? '–' : formatPercent(check.passes / runs);
    return (
      `<tr class="${check.fails === 0 ? 'ok' : 'failed'}"><td>${escapeHtml(groupLabel(check.group))}</td>` +
      `<td>${escapeHtml(check.name)}</td><td class="num">${check.passes}</td><td class="num">${check.fails}</td>` +
      `<td class="num">${rate}</td></tr>`
    );
  });
  return table(['Group', 'Check', 'Passes', 'Fails', 'Rate'], rows, ['', '', 'num', 'num', 'num']);
}

export function errorsTable(errors: readonly ErrorCount[]): string {
  if (errors.length === 0) return '<p class="empty">No errors.</p>';
  const rows = [...errors]
    .sort((a, b) => b.count - a.count)
    .map((error) => `<tr><td><code>${escapeHtml(error.metric)}</code></td><td>${escapeHtml(kindLabel(error.kind))}</td><td class="num">${error.count}</td></tr>`);
  return table(['Metric', 'Kind', 'Count'], rows, ['', '', 'num']);
}

/** Every metric by name, each submetric ('name{tag:value}') right after its metric. */
export function metricsTable(metrics: RunResults['metrics']): string {
  const entries = Object.entries(metrics).sort(([a], [b]) => compareMetricKeys(a, b));
  if (entries.length === 0) return '<p class="empty">No metrics were recorded.</p>';
  const rows = entries.map(([key, metric]) => {
    const brace = key.indexOf('{');
    const name = brace < 0 ? `<code>${escapeHtml(key)}</code>` : `<code class="submetric">${escapeHtml(key.slice(brace))}</code>`;
    const stats = metricStats(metric)
      .map(([stat, text]) => `<span class="stat"><span class="stat-name">${escapeHtml(stat)}</span> ${escapeHtml(text)}</span>`)
      .join(' ');
    return `<tr><td>${name}</td><td>${metric.type}</td><td class="stats">${stats}</td></tr>`;
  });
  return table(['Metric', 'Type', 'Values'], rows);
}

/** The request metrics per endpoint (name, else url), by metric as the results list them. */
export function endpointsTable(endpoints: readonly EndpointResult[]): string {
  const rows = endpoints.map((endpoint) => {
    const stats = metricStats(endpoint)
      .map(([stat, text]) => `<span class="stat"><span class="stat-name">${escapeHtml(stat)}</span> ${escapeHtml(text)}</span>`)
      .join(' ');
    return `<tr><td><code>${escapeHtml(endpoint.metric)}</code></td><td>${escapeHtml(endpoint.name)}</td><td class="stats">${stats}</td></tr>`;
  });
  return table(['Metric', 'Endpoint', 'Values'], rows);
}

/** The values of one metric as [name, text] pairs, in the order the results list them. */
export function metricStats(metric: MetricResult): [string, string][] {
  return Object.entries(metric.values).map(([stat, value]): [string, string] => {
    if (stat === 'passes' || stat === 'fails' || (stat === 'count' && metric.type !== 'counter')) return [stat, trimmedFixed(value, 6)];
    if (metric.type === 'counter' && stat === 'rate') return [stat, `${formatValue(value, 'counter', metric.contains)}/s`];
    return [stat, formatValue(value, metric.type, metric.contains)];
  });
}

/** An observed value in the unit of the aggregation the expression used ('count' of a trend is a number, not ms). */
export function formatObserved(threshold: ThresholdResult, observed: number, metric: MetricResult | undefined): string {
  if (metric === undefined) return trimmedFixed(observed, 6);
  const method = /^\s*([A-Za-z]+)/.exec(threshold.expression)?.[1] ?? '';
  if (method === 'count' && metric.type === 'trend') return trimmedFixed(observed, 6);
  if (method === 'rate' && metric.type === 'counter') return `${formatValue(observed, 'counter', metric.contains)}/s`;
  return formatValue(observed, metric.type, metric.contains);
}

/** '::login::step 2' reads as 'login › step 2'; the root group is shown as '–'. */
export function groupLabel(group: string): string {
  const names = group.split('::').slice(1);
  return names.length === 0 ? '–' : names.join(' › ');
}

function kindLabel(kind: Tags): string {
  const entries = Object.entries(kind);
  return entries.length === 0 ? '–' : entries.map(([tag, value]) => `${tag}=${value}`).join(', ');
}

function badge(ok: boolean): string {
  return ok ? '<span class="badge ok">ok</span>' : '<span class="badge failed">failed</span>';
}

function table(headers: readonly string[], rows: readonly string[], classes: readonly string[] = []): string {
  const head = headers.map((header, i) => `<th${classes[i] ? ` class="${classes[i]}"` : ''}>${header}</th>`).join('');
  return `<div class="table-wrap"><table class="data"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

