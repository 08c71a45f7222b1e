/**
 * The dashboard on a real server (127.0.0.1, port 0) fed by a fake run whose time series grows:
 * the event stream's snapshot, updates that carry only the buckets that changed, the final event,
 * the report download, and a close() that leaves no timer behind.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { startDashboard } from '../../../src/live/dashboard.js';
import { seriesKey } from '../../../src/live/series-diff.js';
import type { Dashboard } from '../../../src/live/types.js';
import { renderReport } from '../../../src/report/html.js';
import { GrowingSource } from './source.js';
import { EventStream, getOnce, parseSnapshot, Watcher } from './sse.js';
import { trackTimers } from '../track-timers.js';

const EVERY_MS = 40;
const ITERATIONS = 'iterations\ncounter\n';
const opened: Dashboard[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((dashboard) => dashboard.close()));
});

async function dashboardOf(source: GrowingSource): Promise<Dashboard> {
  const dashboard = await startDashboard({ host: '127.0.0.1', port: 0, updateEveryMs: EVERY_MS }, source);
  opened.push(dashboard);
  return dashboard;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('the dashboard event stream', () => {
  it('starts with a snapshot of the whole results, named series keys and the page parts', async () => {
    const source = new GrowingSource({ buckets: 5 });
    const dashboard = await dashboardOf(source);
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const stream = await EventStream.open(`${dashboard.url}events`);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const [first] = await stream.take(1);
    expect(first?.name).toBe('snapshot');
    const snapshot = parseSnapshot(first!);
    expect(snapshot.results).toEqual(source.snapshot());
    expect(snapshot.keys).toEqual(snapshot.results.timeSeries.series.map(seriesKey));
    expect(snapshot.running).toBe(true);
    expect(snapshot.panels.map((panel) => panel.title)).toEqual(['Active VUs', 'Iterations', 'ws_req_ttfr']);
    expect(snapshot.parts.verdict).toContain('data-verdict="running"');
    expect(snapshot.parts.verdict).toContain('Running… 4s');
    expect(Object.keys(snapshot.parts)).toEqual(['verdict', 'thresholds', 'checks', 'errors', 'charts', 'metrics']);
    await stream.disconnect();
  });

  it('then sends per series only the buckets from the first that changed, and the current metrics', async () => {
    const source = new GrowingSource({ buckets: 5 });
    const dashboard = await dashboardOf(source);
    const page = await Watcher.open(`${dashboard.url}events`);

    source.addToLast(); // only bucket 4 changes
    const afterFill = await page.nextChange();
    expect(afterFill.buckets).toBe(5);
    // 10 + 4 % 7 = 14 in a full bucket; half full now.
    expect(afterFill.series.find((series) => series.key === ITERATIONS)).toEqual({ key: ITERATIONS, from: 4, columns: { sum: [7] } });
    expect(afterFill.metrics).toEqual(source.snapshot().metrics);
    expect(afterFill.thresholds).toEqual(source.snapshot().thresholds);
    expect(afterFill.checks).toEqual(source.snapshot().checks);
    expect(afterFill.errors).toEqual(source.snapshot().errors);
    expect(afterFill.panels).toBeUndefined(); // the plan stayed
    expect(afterFill.parts).toEqual({}); // nothing on the page but the charts changed
    expect(page.state.timeSeries).toEqual(source.snapshot().timeSeries);

    source.grow(2); // buckets 5 and 6 are new, bucket 4 is now complete
    const grown = await page.nextChange();
    expect(grown.buckets).toBe(7);
    expect(grown.series.find((series) => series.key === ITERATIONS)).toEqual({ key: ITERATIONS, from: 4, columns: { sum: [14, 15, 4] } });
    expect(grown.parts.verdict).toContain('Running… 6s');
    expect(page.state.timeSeries).toEqual(source.snapshot().timeSeries);

    // Nothing changed since: the next update names the series and carries no buckets.
    const quiet = await page.next();
    expect(quiet.series.map((series) => Object.keys(series))).toEqual(quiet.series.map(() => ['key']));
    expect(page.state.timeSeries).toEqual(source.snapshot().timeSeries);
    await page.stream.disconnect();
  });

  it('keeps updates small however long the series: the same size at 3,000 buckets as at 10', async () => {
    const sizes: number[] = [];
    for (const buckets of [10, 3000]) {
      const source = new GrowingSource({ buckets });
      const dashboard = await dashboardOf(source);
      const page = await Watcher.open(`${dashboard.url}events`);
      const snapshotSize = page.lastData.length;
      source.grow();
      const update = await page.nextChange();
      for (const series of update.series) expect(series.from).toBe(buckets - 1);
      sizes.push(page.lastData.length);
      if (buckets === 3000) expect(page.lastData.length).toBeLessThan(snapshotSize / 50);
      expect(page.state.timeSeries).toEqual(source.snapshot().timeSeries);
      await page.stream.disconnect();
    }
    const [small = 0, large = 0] = sizes;
    // Bucket indices have a few more digits; nothing else grows.
    expect(large).toBeLessThan(small * 1.1);
    expect(large).toBeLessThan(10_000);
  });

  it('names series by key, so a series that appears mid-run and moves the others is rebuilt right', async () => {
    const source = new GrowingSource({ buckets: 5, lateSeriesAt: 6 });
    const dashboard = await dashboardOf(source);
    const page = await Watcher.open(`${dashboard.url}events`);
    source.grow();
    const update = await page.nextChange();
    const join = update.series[3];
    expect(join?.key).toBe('ws_req_ttfr\ntrend\n4:name4:join');
    expect(join?.added).toEqual({ metric: 'ws_req_ttfr', type: 'trend', contains: 'time', tags: { name: 'join' } });
    // Its first value is in bucket 5, the newest, a quarter full: (45 + 5) / 4, rounded.
    expect(join?.from).toBe(5);
    expect(join?.columns?.p50).toEqual([13]);
    // The chart plan's series indices moved with it; the panels' titles and elements did not.
    expect(update.panels).toBeDefined();
    expect(update.parts.charts).toBeUndefined();
    expect(page.state.timeSeries).toEqual(source.snapshot().timeSeries);
    await page.stream.disconnect();
  });

  it('sends every watcher the same updates, and stops taking snapshots when the last one leaves', async () => {
    const source = new GrowingSource();
    const dashboard = await dashboardOf(source);
    const one = await Watcher.open(`${dashboard.url}events`);
    const two = await Watcher.open(`${dashboard.url}events`);
    source.grow();
    await Promise.all([one.nextChange(), two.nextChange()]);
    expect(two.lastData).toBe(one.lastData);
    expect(two.state).toEqual(one.state);
    await one.stream.disconnect();
    await two.stream.disconnect();
    // The server hears of the last disconnect a moment later; a tick may still run until then.
    await sleep(EVERY_MS * 2);
    const taken = source.snapshots;
    await sleep(EVERY_MS * 4);
    expect(source.snapshots).toBe(taken);
  });

  it('ends every stream with the final results; a later stream gets them at once and ends', async () => {
    const source = new GrowingSource({ buckets: 4 });
    const dashboard = await dashboardOf(source);
    const stream = await EventStream.open(`${dashboard.url}events`);
    await stream.take(1);
    const final = source.final();
    dashboard.finish(final);
    await stream.untilEnded();
    const last = stream.events[stream.events.length - 1]!;
    expect(last.name).toBe('final');
    const event = parseSnapshot(last);
    expect(event.results).toEqual(final);
    expect(event.running).toBe(false);
    expect(event.parts.verdict).toContain('data-verdict="failed"');
    expect(event.parts.verdict).toContain('<a href="/report.html" download="wsk-report.html">Download report</a>');

    const late = await EventStream.open(`${dashboard.url}events`);
    await late.untilEnded();
    expect(late.events.map((received) => received.name)).toEqual(['final']);
    expect(parseSnapshot(late.events[0]!).results).toEqual(final);
  });
});

describe('the dashboard pages', () => {
  it('serves the live page, and the report as a download only once the run is over', async () => {
    const source = new GrowingSource({ buckets: 4 });
    const dashboard = await dashboardOf(source);
    const page = await getOnce(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'"`);
    expect(page.body).toContain('<h1 class="verdict-title">Running… 3s</h1>');
    expect(page.body).toContain("new EventSource('/events')");
    expect(page.body).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);

    const before = await getOnce(`${dashboard.url}report.html`);
    expect([before.status, before.body]).toEqual([404, 'The report is ready when the test has finished.\n']);

    const final = source.final();
    dashboard.finish(final);
    const report = await getOnce(`${dashboard.url}report.html`);
    expect(report.status).toBe(200);
    expect(report.headers['content-disposition']).toBe('attachment; filename="wsk-report.html"');
    expect(report.body).toBe(renderReport(final));
    const after = await getOnce(dashboard.url);
    expect(after.body).toContain('Download report');
    expect(after.body).toContain('<h1 class="verdict-title">Failed: 2 of 4 thresholds</h1>');
  });

  it('answers other paths with 404 and other methods with 405', async () => {
    const dashboard = await dashboardOf(new GrowingSource());
    expect((await getOnce(`${dashboard.url}favicon.ico`)).status).toBe(404);
    const post = await fetch(dashboard.url, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET']);
  });
});

describe('startDashboard and close', () => {
  it('close() ends open streams and the server, and leaves no timer running', async () => {
    const timers = trackTimers();
    const source = new GrowingSource();
    const dashboard = await startDashboard({ host: '127.0.0.1', port: 0, updateEveryMs: EVERY_MS }, source);
    const streams = await Promise.all([EventStream.open(`${dashboard.url}events`), EventStream.open(`${dashboard.url}events`)]);
    await Promise.all(streams.map((stream) => stream.take(2))); // updates are flowing
    await dashboard.close();
    await Promise.all(streams.map((stream) => stream.untilEnded()));
    await new Promise((resolve) => setImmediate(resolve));
    timers.stop();
    expect(timers.pending()).toEqual([]);
    await expect(fetch(dashboard.url)).rejects.toThrow();
    await dashboard.close(); // a second close is harmless
  });

  it('fails with one line naming host:port and the reason when the port is taken or invalid', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const error: unknown = await startDashboard({ host: '127.0.0.1', port }, new GrowingSource()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WskError);
    expect((error as WskError).code).toBe('IO');
    expect((error as WskError).message).toBe(`--dashboard: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    await new Promise((resolve) => blocker.close(resolve));

    await expect(startDashboard({ host: '127.0.0.1', port: 70_000 }, new GrowingSource())).rejects.toThrow(
      /^--dashboard: cannot listen on 127\.0\.0\.1:70000: .*70000/,
    );
  });
});
