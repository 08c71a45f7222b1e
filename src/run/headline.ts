import type { MetricStore } from '../metrics/store.js';
import { Metric } from '../metrics/builtin.js';
import { formatDuration, formatPercent } from '../summary/format.js';

/**
 * The progress display's line of headline metrics: checks, HTTP and WebSocket traffic with their p95
 * latency, and errors — whatever the test has produced so far.
 */
export function headline(store: MetricStore, elapsedMs: number): string {
  if (!(elapsedMs > 0)) return '';
  const value = (metric: string, method: string): number | undefined => store.snapshot(metric, {}, elapsedMs)?.value(method);
  const perSecond = (count: number | undefined): string => `${count === undefined ? 0 : Math.round((count * 1000) / elapsedMs)}/s`;
  const p95 = (metric: string): string => {
    const ms = value(metric, 'p(95)');
    return ms === undefined ? '' : ` p95 ${formatDuration(ms)}`;
  };
  const parts: string[] = [];
  const checks = value(Metric.checks, 'rate');
  if (checks !== undefined) parts.push(`checks ${formatPercent(checks)}`);
  const requests = value(Metric.httpReqs, 'count');
  if (requests !== undefined) {
    const failed = value(Metric.httpReqFailed, 'rate');
    parts.push(`http ${perSecond(requests)}${p95(Metric.httpReqDuration)}${failed === undefined ? '' : ` failed ${formatPercent(failed)}`}`);
  }
  const received = value(Metric.wsMsgsReceived, 'count');
  if (received !== undefined || value(Metric.wsSessions, 'count') !== undefined) {
    const ttfr = p95(Metric.wsReqTtfr);
    parts.push(`ws ${perSecond(received)} in${ttfr === '' ? '' : `, ttfr${ttfr}`}`);
  }
  const errors = value(Metric.wsErrors, 'count');
  if (errors !== undefined && errors > 0) parts.push(`ws errors ${errors}`);
  return parts.join(' · ');
}
