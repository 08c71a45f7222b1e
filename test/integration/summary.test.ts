/**
 * The end-of-test summary through `wsk run`: k6 1.x's layout by default, `--summary-mode` from the
 * flag, the environment or the config file, and `textSummary` from `wsk/summary` in handleSummary,
 * against a built-in echo target on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../src/serve/index.js';
import type { RunningTarget } from '../../src/serve/types.js';
import { runScript, scriptDir, wsk } from './harness.js';

let target: RunningTarget;
let env: string[];

beforeAll(async () => {
  target = await startTarget('echo');
  env = ['-e', `BASE_URL=${target.url.replace(/^ws/, 'http')}`, '-e', `WS_URL=${target.url}`];
});

afterAll(async () => {
  await target.close();
});

/** HTTP and WebSocket traffic, a custom metric, checks in and out of a group, and thresholds. */
const SCRIPT = `
  import http from 'k6/http';
  import ws from 'k6/ws';
  import { check, group } from 'k6';
  import { Counter } from 'k6/metrics';
  const orders = new Counter('orders');
  export const options = {
    scenarios: { shop: { executor: 'shared-iterations', vus: 1, iterations: 2 } },
    thresholds: { http_req_duration: ['p(95)<5000'], orders: ['count>10'] },
  };
  export default function () {
    group('browse', () => {
      check(http.get(__ENV.BASE_URL + '/health'), { 'health is 200': (r) => r.status === 200 });
    });
    ws.connect(__ENV.WS_URL, (socket) => {
      socket.on('open', () => socket.send('hi'));
      socket.on('message', () => socket.close());
    });
    orders.add(1);
    check(null, { 'always': () => true });
  }`;

/** The section headings of a printed summary, in order. */
const headings = (stdout: string): string[] => [...stdout.matchAll(/^ {2}█ (.+)$|^ {4}([A-Z]+)$|^ +↳ (GROUP: .+)$/gm)].map((m) => (m[1] ?? m[2] ?? m[3])!.trim());

describe('the printed summary', () => {
  it("is k6 1.x's compact layout by default: thresholds, then the checks and the metrics by kind", async () => {
    const { code, stdout } = await runScript(SCRIPT, env, 'script.js');
    expect(code).toBe(99);
    expect(headings(stdout)).toEqual(['THRESHOLDS', 'TOTAL RESULTS', 'CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK', 'WEBSOCKET']);
    expect(stdout).toMatch(/^ {4}orders\n {4}✗ 'count>10' count=2$/m);
    expect(stdout).toMatch(/^ {4}http_req_duration\n {4}✓ 'p\(95\)<5000' p\(95\)=[\d.]+m?s$/m);
    expect(stdout).toMatch(/^ {4}checks_total\.{7}: 4 +[\d.]+\/s\n {4}checks_succeeded\.{3}: 100\.00% 4 out of 4\n {4}checks_failed\.{6}: 0\.00% +0 out of 4\n\n {4}✓ health is 200\n {4}✓ always$/m);
    expect(stdout).toMatch(/^ {4}ws_sessions\.+: 2 /m);
    // The compact summary leaves out the phases of a request, the checks rate and group durations.
    expect(stdout).not.toMatch(/http_req_blocked|group_duration|^ {4}checks\.+:/m);
  });

  it('adds each group and scenario with --summary-mode full, and takes the mode from the config file', async () => {
    const dir = scriptDir({ 'script.js': SCRIPT, 'wsk.yaml': 'summaryMode: full\n' });
    const { code, stdout } = await wsk(['run', '--quiet', 'script.js', ...env], { cwd: dir });
    expect(code).toBe(99);
    expect(headings(stdout)).toEqual([
      'THRESHOLDS', 'TOTAL RESULTS', 'CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK', 'WEBSOCKET',
      'SCENARIO: shop', 'CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK', 'WEBSOCKET', 'GROUP: browse',
    ]);
    expect(stdout).toMatch(/^ {4}http_req_blocked\.+: avg=/m);
    // The group's own results: its check and its request, one step in.
    expect(stdout).toMatch(/↳ GROUP: browse\n\n {6}checks_total\.+: 2 .*\n.*\n.*\n\n {6}✓ health is 200\n\n {6}HTTP\n/);
    expect(stdout).toMatch(/^ {6}http_reqs\.+: 2 /m);
  });

  it('is the layout before k6 1.0 with K6_SUMMARY_MODE=legacy, which the flag overrides', async () => {
    const dir = scriptDir({ 'script.js': SCRIPT });
    const legacy = await wsk(['run', '--quiet', 'script.js', ...env], { cwd: dir, env: { K6_SUMMARY_MODE: 'legacy' } });
    expect(legacy.stdout).not.toContain('TOTAL RESULTS');
    expect(legacy.stdout).toMatch(/^ {5}█ browse\n\n {7}✓ health is 200$/m);
    expect(legacy.stdout).toMatch(/^ {3}✗ orders\.+: 2 /m);
    const overridden = await wsk(['run', '--quiet', 'script.js', '--summary-mode', 'compact', ...env], { cwd: dir, env: { WSK_SUMMARY_MODE: 'legacy' } });
    expect(overridden.stdout).toContain('█ TOTAL RESULTS');
  });

  it.each([
    [['--summary-mode', 'verbose'], {}, '--summary-mode: invalid value "verbose"; expected compact, full or legacy'],
    [[], { WSK_SUMMARY_MODE: 'short' }, 'WSK_SUMMARY_MODE: invalid value "short"; expected compact, full or legacy'],
  ])('refuses a bad mode in one line, before the test starts (%j %j)', async (flags, variables, message) => {
    const dir = scriptDir({ 'script.js': SCRIPT });
    const { code, stdout, stderr } = await wsk(['run', '--quiet', 'script.js', ...flags, ...env], { cwd: dir, env: variables });
    expect(code).toBe(104);
    expect(stderr).toBe(`ERROR ${message}\n`);
    expect(stdout).toBe('');
  });
});

describe('textSummary from wsk/summary', () => {
  it('keeps the text summary beside the files handleSummary writes, also for data the script changed', async () => {
    const { code, stdout, dir } = await runScript(
      `import http from 'k6/http';
       import { check } from 'k6';
       import { textSummary } from 'k6/summary';
       export const options = { iterations: 3, thresholds: { http_req_failed: ['rate<0.5'] } };
       export default function () { check(http.get(__ENV.BASE_URL + '/health'), { 'is 200': (r) => r.status === 200 }); }
       export function handleSummary(data) {
         data.metrics.added_by_script = { type: 'counter', contains: 'default', values: { count: 42, rate: 1 } };
         delete data.metrics.vus;
         return { stdout: textSummary(data, { indent: '> ', enableColors: false }), 'out/summary.json': JSON.stringify(data) };
       }`,
      env,
      'script.js',
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^> {3}█ THRESHOLDS\n\n> {5}http_req_failed\n> {5}✓ 'rate<0\.5' rate=0\.00%$/m);
    expect(stdout).toMatch(/^> {5}✓ is 200$/m);
    expect(stdout).toMatch(/^> {5}CUSTOM\n> {5}added_by_script\.+: 42 +1\/s$/m);
    expect(stdout).not.toMatch(/^> {5}vus\.+:/m);
    expect(stdout).not.toContain('\x1b[');
    const written = JSON.parse(readFileSync(path.join(dir, 'out', 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
    expect(written.metrics['iterations']!.values['count']).toBe(3);
    expect(written.metrics['added_by_script']!.values['count']).toBe(42);
  });

  it('is a TypeError naming the bad argument, and handleSummary then falls back to the default summary', async () => {
    const { code, stdout, stderr } = await runScript(
      `import { textSummary } from 'wsk/summary';
       export const options = { iterations: 1 };
       export default function () {}
       export function handleSummary(data) {
         let caught = '';
         try { textSummary(data, { enableColors: 'no' }); } catch (error) { caught = error.name + ': ' + error.message; }
         console.log(caught);
         return { stdout: textSummary({ metrics: { broken: { type: 'histogram', values: {} } } }) };
       }`,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('TypeError: textSummary(): options.enableColors must be a boolean, got string');
    expect(stderr).toMatch(/ERROR handleSummary\(\) failed: TypeError: textSummary\(\): data\.metrics\["broken"\]\.type must be one of counter, gauge, rate, trend, got "histogram".*; printing the default summary/);
    expect(stdout).toContain('█ TOTAL RESULTS');
  });
});

describe("a trend's values on their way from the worker to the summary", () => {
  /** k6's percentile of `values`: linear interpolation between the sorted values' ranks. */
  function exactPercentile(values: readonly number[], percent: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (percent / 100) * (sorted.length - 1);
    const below = sorted[Math.floor(rank)]!;
    return below + (sorted[Math.ceil(rank)]! - below) * (rank - Math.floor(rank));
  }

  // A handful of values cross as themselves, many as compressed histograms: both must arrive whole.
  it.each([
    ['a few values', 7],
    ['many values', 400],
  ])('%s: count, min, max and avg exact, percentiles within 0.1%%', async (_, count) => {
    const values = Array.from({ length: count }, (_, i) => 0.5 + ((i * 37) % count) * 1.25);
    const { code, dir } = await runScript(
      `import { Trend } from 'wsk/metrics';
       const sizes = new Trend('sizes');
       export const options = { vus: 1, iterations: 2, summaryTrendStats: ['count', 'min', 'max', 'avg', 'med', 'p(90)', 'p(99)'] };
       const values = ${JSON.stringify(values)};
       export default function () {
         const half = values.length / 2;
         for (const value of __ITER === 0 ? values.slice(0, half) : values.slice(half)) sizes.add(value);
       }`,
      ['--workers', '1', '--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
    const trend = summary.metrics['sizes']!.values;
    expect([trend['count'], trend['min'], trend['max']]).toEqual([count, Math.min(...values), Math.max(...values)]);
    expect(trend['avg']).toBeCloseTo(values.reduce((a, b) => a + b, 0) / count, 9);
    for (const [stat, percent] of [['med', 50], ['p(90)', 90], ['p(99)', 99]] as const) {
      const exact = exactPercentile(values, percent);
      expect(Math.abs(trend[stat]! - exact) / exact).toBeLessThan(1e-3);
    }
  });
});
