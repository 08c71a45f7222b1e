/**
 * The live outputs of a real `wsk run`: the dashboard in headless Chromium gets data while the test
 * runs and the verdict when it ends; Prometheus can scrape /metrics during the run; a port in use
 * stops the run before it starts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript, scriptDir, start } from './harness.js';

const SCRIPT = `import { check, sleep } from 'wsk';
  export const options = { vus: 2, duration: '4s', thresholds: { checks: ['rate==1'] } };
  export default async function () { check(1, { ok: (v) => v === 1 }); await sleep(0.05); }`;

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
});
afterAll(async () => {
  await browser?.close();
});

/** The URL wsk printed after `label`. */
async function printedUrl(running: ReturnType<typeof start>, label: string): Promise<string> {
  const pattern = new RegExp(`${label}: (http://\\S+)`);
  await running.waitFor(pattern);
  return pattern.exec(running.output())![1]!;
}

describe('live outputs of a run', () => {
  it('the dashboard draws the run while it goes and shows the verdict at its end; Prometheus scrapes it', async () => {
    const dir = scriptDir({ 'script.ts': SCRIPT });
    const running = start(['run', 'script.ts', '--dashboard', '0', '--out', 'prometheus=127.0.0.1:0'], { cwd: dir });
    const dashboard = await printedUrl(running, 'dashboard');
    const metrics = await printedUrl(running, 'prometheus metrics');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await page.goto(dashboard);
      const points = (): Promise<number> =>
        page.evaluate(() => Math.max(0, ...(window as unknown as { __wskCharts: { data: unknown[][] }[] }).__wskCharts.map((c) => c.data[0]?.length ?? 0)));
      await page.waitForFunction(() => (window as unknown as { __wskCharts: unknown[] }).__wskCharts.length > 0, undefined, { timeout: 10_000 });
      const early = await points();
      await page.waitForFunction((before) => Math.max(0, ...(window as unknown as { __wskCharts: { data: unknown[][] }[] }).__wskCharts.map((c) => c.data[0]?.length ?? 0)) > before, early, { timeout: 10_000 });

      const scrape = await (await fetch(metrics)).text();
      expect(scrape).toMatch(/^# TYPE wsk_iterations_total counter$/m);
      expect(scrape).toMatch(/^wsk_iterations_total \d+/m);
      expect(scrape).toMatch(/^wsk_iteration_duration\{quantile="0.95"\} [\d.e-]+$/m);

      await page.waitForSelector('header.verdict[data-verdict="passed"]', { timeout: 20_000 });
      expect(await page.locator('.download a').getAttribute('href')).toMatch(/^blob:/);
      const { code } = await running.done;
      expect(code).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      running.child.kill('SIGKILL');
    }
  });

  it('a dashboard port in use stops the run before it starts, with one line', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, stderr } = await runScript(SCRIPT, ['--dashboard', String(port)]);
      expect(code).toBe(104);
      expect(stderr).toMatch(new RegExp(`^ERROR --dashboard: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`, 'm'));
      expect(stderr).not.toContain('iterations');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
