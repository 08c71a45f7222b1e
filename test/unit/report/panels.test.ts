import { describe, expect, it } from 'vitest';
import { chartPanels, MAX_LINES, type ChartLine } from '../../../src/report/panels.js';
import type { SeriesColumns, TimeSeries } from '../../../src/results/types.js';
import { fixtureResults } from './fixture.js';

const line = (label: string, series: number, column: ChartLine['column'], perSecond: boolean): ChartLine => ({ label, series, column, perSecond });
const percentiles = (series: number): ChartLine[] => [line('p50', series, 'p50', false), line('p95', series, 'p95', false), line('p99', series, 'p99', false)];
const PERCENTILES_NOTE = 'p50 · p95 · p99';

describe('chartPanels', () => {
  it('plans one panel per chart for the fixture, in the report order, each line naming its series and column', () => {
    expect(chartPanels(fixtureResults().timeSeries)).toEqual([
      { id: 'chart-0', title: 'Active VUs', unit: 'count', note: '', lines: [line('vus', 0, 'value', false)], omitted: 0 },
      { id: 'chart-1', title: 'Iterations', unit: 'perSecond', note: 'per second', lines: [line('iterations', 1, 'sum', true)], omitted: 0 },
      {
        id: 'chart-2',
        title: 'WebSocket messages',
        unit: 'perSecond',
        note: 'per second',
        lines: [line('ws_msgs_sent', 2, 'sum', true), line('ws_msgs_received', 3, 'sum', true)],
        omitted: 0,
      },
      { id: 'chart-3', title: 'HTTP requests', unit: 'perSecond', note: 'per second', lines: [line('http_reqs', 4, 'sum', true)], omitted: 0 },
      {
        id: 'chart-4',
        title: 'ws_req_ttfr',
        unit: 'ms',
        note: `${PERCENTILES_NOTE}; p95 by name`,
        // chat carries three samples per VU to login's one, so it comes first.
        lines: [...percentiles(5), line('p95 name=chat', 7, 'p95', false), line('p95 name=login', 6, 'p95', false)],
        omitted: 0,
      },
      { id: 'chart-5', title: 'ws_connecting', unit: 'ms', note: PERCENTILES_NOTE, lines: percentiles(8), omitted: 0 },
      { id: 'chart-6', title: 'http_req_duration', unit: 'ms', note: PERCENTILES_NOTE, lines: percentiles(9), omitted: 0 },
      { id: 'chart-7', title: 'iteration_duration', unit: 'ms', note: PERCENTILES_NOTE, lines: percentiles(10), omitted: 0 },
      { id: 'chart-8', title: 'queue_depth', unit: 'count', note: PERCENTILES_NOTE, lines: percentiles(11), omitted: 0 },
      {
        id: 'chart-9',
        title: 'Errors by kind',
        unit: 'perSecond',
        note: 'per second',
        // By how many errors each kind had (12, 4, 3); error_code 1000 never occurred.
        lines: [
          line('ws_errors error=refused', 13, 'sum', true),
          line('http_req_failed error_code=1212', 16, 'passes', true),
          line('ws_errors error=handshake_status', 14, 'sum', true),
        ],
        omitted: 0,
      },
      {
        id: 'chart-10',
        title: 'Data',
        unit: 'bytesPerSecond',
        note: 'per second',
        lines: [line('data_sent', 18, 'sum', true), line('data_received', 19, 'sum', true)],
        omitted: 0,
      },
    ]);
  });

  it('plans no panel for series without a sample, and none at all for an empty run', () => {
    const empty: TimeSeries = { bucketMs: 1000, startMs: 0, buckets: 3, series: [] };
    expect(chartPanels(empty)).toEqual([]);
    const silent: TimeSeries = {
      ...empty,
      series: [
        { metric: 'vus', type: 'gauge', contains: 'default', tags: {}, value: [null, null, null] },
        trendSeries('ws_req_ttfr', {}, [null, null, null], [null, null, null]),
      ],
    };
    expect(chartPanels(silent)).toEqual([]);
  });

  it('caps a trend panel at MAX_LINES, keeping the breakdowns with the most samples and counting the rest', () => {
    const names = Array.from({ length: 12 }, (_, i) => `step${i}`);
    const timeSeries: TimeSeries = {
      bucketMs: 5000,
      startMs: 0,
      buckets: 2,
      series: [
        trendSeries('ws_req_ttfr', {}, [60, 60], [10, 20]),
        // step{i} has i + 1 samples in the second bucket: step11 is the busiest.
        ...names.map((name, i) => trendSeries('ws_req_ttfr', { name }, [null, i + 1], [null, 5])),
      ],
    };
    const [panel] = chartPanels(timeSeries);
    expect(MAX_LINES).toBe(8);
    expect(panel?.lines.map((shown) => shown.label)).toEqual([
      'p50',
      'p95',
      'p99',
      'p95 name=step11',
      'p95 name=step10',
      'p95 name=step9',
      'p95 name=step8',
      'p95 name=step7',
    ]);
    expect(panel?.omitted).toBe(7);
  });

  it("shows an error metric's total when the run did not break it down by kind, and no panel when nothing failed", () => {
    const withTotals: TimeSeries = {
      bucketMs: 1000,
      startMs: 0,
      buckets: 2,
      series: [
        { metric: 'ws_errors', type: 'counter', contains: 'default', tags: {}, sum: [2, null] },
        // Broken down by name, not by kind: not an error kind.
        { metric: 'ws_errors', type: 'counter', contains: 'default', tags: { name: 'chat' }, sum: [2, null] },
        { metric: 'http_req_failed', type: 'rate', contains: 'default', tags: {}, passes: [0, 1], samples: [3, 3] },
      ],
    };
    expect(chartPanels(withTotals)).toEqual([
      {
        id: 'chart-0',
        title: 'Errors by kind',
        unit: 'perSecond',
        note: 'per second',
        lines: [line('ws_errors', 0, 'sum', true), line('http_req_failed', 2, 'passes', true)],
        omitted: 0,
      },
    ]);
    const noFailures: TimeSeries = {
      ...withTotals,
      series: [{ metric: 'http_req_failed', type: 'rate', contains: 'default', tags: {}, passes: [0, 0], samples: [3, 3] }],
    };
    expect(chartPanels(noFailures)).toEqual([]);
  });
});

function trendSeries(metric: string, tags: Record<string, string>, count: (number | null)[], p: (number | null)[]): SeriesColumns {
  return { metric, type: 'trend', contains: 'time', tags, count, avg: p, min: p, p50: p, p90: p, p95: p, p99: p, max: p };
}
