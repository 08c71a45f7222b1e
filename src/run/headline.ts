/**
 * The progress display's line of headline metrics: checks, then what each protocol says of its
 * traffic (requests per second with their p95 latency, errors) — whatever the test has produced so far.
 */
import { Metric } from '../metrics/builtin.js';
import type { MetricStore } from '../metrics/store.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { HeadlineReader, ProtocolReport } from '../protocols/types.js';
import { formatDuration, formatPercent } from '../summary/format.js';

export function headline(store: Pick<MetricStore, 'snapshot'>, elapsedMs: number, reports: readonly ProtocolReport[] = PROTOCOLS.reports): string {
  if (!(elapsedMs > 0)) return '';
  const read: HeadlineReader = {
    value: (metric, stat) => store.snapshot(metric, {}, elapsedMs)?.value(stat),
    perSecond: (count) => `${count === undefined ? 0 : Math.round((count * 1000) / elapsedMs)}/s`,
    p95: (metric) => {
      const ms = read.value(metric, 'p(95)');
      return ms === undefined ? '' : ` p95 ${formatDuration(ms)}`;
    },
    percent: formatPercent,
  };
  const parts: string[] = [];
  const checks = read.value(Metric.checks, 'rate');
  if (checks !== undefined) parts.push(`checks ${formatPercent(checks)}`);
  for (const report of reports) parts.push(...(report.headline?.(read) ?? []));
  return parts.join(' · ');
}
