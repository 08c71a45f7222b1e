/**
 * The live dashboard in real headless Chromium (Debian's, which .ci/run installs), fed by a fake
 * run that adds a bucket every 200 ms: the charts' points grow while it runs (data arrives over
 * the event stream), the page makes no request but itself and /events and logs no error, and at
 * the end it shows the verdict and a link that downloads the report. Screenshots go to the test's
 * temp dir; set WSK_KEEP_REPORT_SCREENSHOTS=1 to keep them for a look.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../../src/live/dashboard.js';
import { renderReport } from '../../src/report/html.js';
import { GrowingSource } from '../unit/live/source.js';

const GROW_EVERY_MS = 200;

let browser: Browser;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-dashboard-browser-'));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});
afterAll(async () => {
  await browser?.close();
  if (process.env['WSK_KEEP_REPORT_SCREENSHOTS'] === '1') console.log(`dashboard screenshots kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

/** Points (buckets) on each chart. */
function chartPoints(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const charts = (window as unknown as { __wskCharts: { data: unknown[][] }[] }).__wskCharts;
    return charts.map((chart) => chart.data[0]?.length ?? 0);
  });
}

describe('the live dashboard in Chromium', () => {
  it('draws data as it arrives, then shows the verdict and offers the report', async () => {
    const source = new GrowingSource({ buckets: 3, lateSeriesAt: 12 });
    const dashboard = await startDashboard({ host: '127.0.0.1', port: 0 }, source);
    const growing = setInterval(() => source.grow(), GROW_EVERY_MS);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => requests.push(request.url()));
    try {
      await page.goto(dashboard.url);
      expect(await page.locator('header.verdict').getAttribute('data-verdict')).toBe('running');

      // The first snapshot is drawn; then later updates add points to every chart.
      await page.waitForFunction(() => (window as unknown as { __wskCharts: unknown[] }).__wskCharts.length === 3);
      const first = await chartPoints(page);
      await page.waitForFunction(
        (before) => (window as unknown as { __wskCharts: { data: unknown[][] }[] }).__wskCharts.every((chart, i) => (chart.data[0]?.length ?? 0) >= (before[i] ?? 0) + 5),
        first,
        { timeout: 10_000 },
      );
      const later = await chartPoints(page);
      expect(later.every((points, i) => points > (first[i] ?? 0))).toBe(true);
      expect(await page.locator('h1.verdict-title').textContent()).toMatch(/^Running… \d+s$/);
      // The series that appeared mid-run got its line (p50, p95, p99 and one per name).
      await page.waitForFunction(() => (window as unknown as { __wskCharts: { series: unknown[] }[] }).__wskCharts[2]?.series.length === 1 + 3 + 3);
      await page.screenshot({ path: path.join(dir, 'running.png'), fullPage: true });

      clearInterval(growing);
      const final = source.final();
      dashboard.finish(final);
      await page.waitForSelector('header.verdict[data-verdict="failed"]');
      expect(await page.locator('h1.verdict-title').textContent()).toBe('Failed: 2 of 4 thresholds');
      // The final results are drawn whole, the last bucket included.
      expect(await chartPoints(page)).toEqual([final.timeSeries.buckets, final.timeSeries.buckets, final.timeSeries.buckets]);
      await page.screenshot({ path: path.join(dir, 'final.png'), fullPage: true });
      expect([...new Set(requests)]).toEqual([dashboard.url, `${dashboard.url}events`]);

      const link = page.locator('a', { hasText: 'Download report' });
      expect(await link.getAttribute('href')).toMatch(/^blob:/);
      // The report came with the final event: it downloads after wsk and its dashboard are gone.
      await dashboard.close();
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe('wsk-report.html');
      expect(readFileSync(await download.path(), 'utf8')).toBe(renderReport(final));
      expect(problems).toEqual([]);
    } finally {
      clearInterval(growing);
      await page.close();
      await dashboard.close();
    }
  });
});
