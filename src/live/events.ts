/**
 * The dashboard's server-sent events, built from snapshots of the run's results:
 *
 *   snapshot  the whole state, first on every stream (and again if a snapshot does not continue
 *             the previous one)
 *   update    what changed since the previous event: per series the buckets from the first one
 *             that changed (series-diff.ts), the current metrics, thresholds, checks and errors,
 *             the chart plan when it changed and the HTML of the page parts that changed
 *   final     the whole state of the finished run; the stream ends after it
 *
 * Every client of a dashboard is at the same frame (the last one sent), so one update serves all.
 * Pure: the dashboard decides when to take snapshots.
 */
import { pageParts, type PageParts, type PartId, PART_IDS } from '../report/html.js';
import { chartPanels, type ChartPanel } from '../report/panels.js';
import type { CheckResult, ErrorCount, RunResults, ThresholdResult } from '../results/types.js';
import { seriesKey, seriesUpdates, type SeriesUpdate } from './series-diff.js';

export type LiveEventName = 'snapshot' | 'update' | 'final';

/** One state of the page: the results, their chart plan and the page's parts as HTML. */
export interface LiveFrame {
  readonly results: RunResults;
  readonly panels: readonly ChartPanel[];
  readonly parts: PageParts;
  readonly running: boolean;
}

export interface SnapshotEvent {
  readonly results: RunResults;
  /** The key of each series of results.timeSeries, in order: how updates name them. */
  readonly keys: readonly string[];
  readonly panels: readonly ChartPanel[];
  readonly parts: PageParts;
  /** False in the final event: the charts then show the last bucket too. */
  readonly running: boolean;
  /** The final event's HTML report, so the page can offer it after the dashboard is gone. */
  readonly report?: string | undefined;
}

export interface UpdateEvent {
  readonly durationMs: number;
  readonly buckets: number;
  /** Every series, in the order the results now list them. */
  readonly series: readonly SeriesUpdate[];
  readonly metrics: RunResults['metrics'];
  readonly thresholds: readonly ThresholdResult[];
  readonly checks: readonly CheckResult[];
  readonly errors: readonly ErrorCount[];
  /** The chart plan, when it changed (the charts part then changed too). */
  readonly panels?: readonly ChartPanel[];
  /** The page parts whose HTML changed. */
  readonly parts: Partial<PageParts>;
}

export function liveFrame(results: RunResults, running: boolean): LiveFrame {
  const panels = chartPanels(results.timeSeries);
  return { results, panels, parts: pageParts(results, panels, running ? 'running' : 'live-final'), running };
}

export function snapshotEvent(frame: LiveFrame): SnapshotEvent {
  const { results, panels, parts, running } = frame;
  return { results, keys: results.timeSeries.series.map(seriesKey), panels, parts, running };
}

/** What `next` changed since `previous`; undefined when it does not continue it (send a snapshot). */
export function updateEvent(previous: LiveFrame, next: LiveFrame): UpdateEvent | undefined {
  const series = seriesUpdates(previous.results.timeSeries, next.results.timeSeries);
  if (series === undefined) return undefined;
  const { durationMs, metrics, thresholds, checks, errors } = next.results;
  const replanned = JSON.stringify(next.panels) !== JSON.stringify(previous.panels);
  const parts: Partial<Record<PartId, string>> = {};
  for (const id of PART_IDS) if (next.parts[id] !== previous.parts[id]) parts[id] = next.parts[id];
  return {
    durationMs,
    buckets: next.results.timeSeries.buckets,
    series,
    metrics,
    thresholds,
    checks,
    errors,
    ...(replanned ? { panels: next.panels } : {}),
    parts,
  };
}

/** One server-sent event; JSON has no line breaks outside strings, so the data is one line. */
export function formatEvent(name: LiveEventName, data: SnapshotEvent | UpdateEvent): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
