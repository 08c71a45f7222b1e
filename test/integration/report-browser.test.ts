/**
 * The HTML report in real headless Chromium (Debian's, which .ci/run installs): it renders with no
 * console or page errors and no network request at all, every chart has data points, the verdict
 * matches the run's exit code, and the charts follow the window's width. Screenshots go to the
 * test's temp dir; set WSK_KEEP_REPORT_SCREENSHOTS=1 to keep them for a look.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/html.js';
import { fixtureResults, FIXTURE_BUCKETS, type FixtureOutcome } from '../unit/report/fixture.js';

interface ChartState {
  readonly points: number;
  /** Per line: how many buckets have a value. */
  readonly valued: number[];
  readonly width: number;
  readonly panelWidth: number;
}

let browser: Browser;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-report-browser-'));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});
afterAll(async () => {
  await browser?.close();
  if (process.env['WSK_KEEP_REPORT_SCREENSHOTS'] === '1') console.log(`report screenshots kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

async function open(outcome: FixtureOutcome): Promise<{ page: Page; problems: string[] }> {
  const file = path.join(dir, `${outcome}.html`);
  writeFileSync(file, renderReport(fixtureResults(outcome)));
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url) problems.push(`request: ${request.url()}`);
  });
  await page.goto(url);
  return { page, problems };
}

function chartStates(page: Page): Promise<ChartState[]> {
  return page.evaluate(() => {
    interface Chart {
      readonly data: readonly (readonly (number | null)[])[];
      readonly width: number;
      readonly root: HTMLElement;
    }
    const charts = (window as unknown as { __wskCharts: Chart[] }).__wskCharts;
    return charts.map((chart) => ({
      points: chart.data[0]?.length ?? 0,
      valued: chart.data.slice(1).map((line) => line.filter((value) => value !== null).length),
      width: chart.width,
      panelWidth: chart.root.parentElement?.clientWidth ?? -1,
    }));
  });
}

describe('the HTML report in Chromium', () => {
  it.each([
    ['failed', 'Failed: 2 of 4 thresholds'],
    ['passed', 'Passed'],
  ] as const)('renders the %s run offline with every chart drawn', async (outcome, title) => {
    const { page, problems } = await open(outcome);
    const verdict = page.locator('header.verdict');
    expect(await verdict.getAttribute('data-verdict')).toBe(outcome);
    expect(await page.locator('h1.verdict-title').textContent()).toBe(title);

    const charts = await chartStates(page);
    expect(charts.length).toBe(await page.locator('.chart').count());
    expect(charts.length).toBe(11);
    for (const chart of charts) {
      expect(chart.points).toBe(FIXTURE_BUCKETS);
      expect(chart.valued.length).toBeGreaterThan(0);
      for (const valued of chart.valued) expect(valued).toBeGreaterThan(0);
      expect(chart.width).toBe(chart.panelWidth);
    }
    // The check named '<img src=x onerror=alert(1)>' stayed text.
    expect(await page.locator('img').count()).toBe(0);
    await page.screenshot({ path: path.join(dir, `${outcome}.png`), fullPage: true });

    // Narrower window, one chart per row: every chart shrinks to its panel.
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForFunction(() => {
      const charts = (window as unknown as { __wskCharts: { width: number; root: HTMLElement }[] }).__wskCharts;
      return charts.every((chart) => chart.width === chart.root.parentElement?.clientWidth);
    });
    for (const chart of await chartStates(page)) expect(chart.width).toBeLessThan(700);
    await page.locator('#charts .panel').first().screenshot({ path: path.join(dir, `${outcome}-narrow-chart.png`) });

    await page.close();
    expect(problems).toEqual([]);
  });
});
