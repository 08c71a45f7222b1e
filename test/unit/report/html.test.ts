import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../../src/report/escape.js';
import { renderReport, verdictOf } from '../../../src/report/html.js';
import type { RunResults } from '../../../src/results/types.js';
import { fixtureResults, INJECTED_CHECK, SCRIPT_CLOSING_CHECK } from './fixture.js';

/** The HTML of `<section id="…">`; user text in it is escaped, so its first `</section>` is its end. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** Each table row as the text of its cells. */
function rows(fragment: string): string[][] {
  return [...fragment.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((row) => [...(row[1] ?? '').matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((cell) => text(cell[1] ?? '')));
}

const ENTITIES: Readonly<Record<string, string>> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };
function text(fragment: string): string {
  return fragment
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
}

function embeddedJson(html: string, id: string): unknown {
  const match = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html);
  return JSON.parse(match?.[1] ?? 'null');
}

const failed = renderReport(fixtureResults('failed'));
const passed = renderReport(fixtureResults('passed'));

describe('renderReport', () => {
  it('opens with a red verdict naming the failed thresholds, and the facts of the run', () => {
    const banner = /<header class="verdict" data-verdict="(\w+)">(.*?)<\/header>/s.exec(failed);
    expect(banner?.[1]).toBe('failed');
    expect(text(banner?.[2] ?? '')).toBe(
      'Failed: 2 of 4 thresholds Script examples/chat.ts Started 2025-01-15 09:30:00 UTC Ended 2025-01-15 09:31:00 UTC Duration 1m0s Exit code 99',
    );
    expect(failed.indexOf('data-verdict')).toBeLessThan(failed.indexOf('<section id="thresholds">'));
  });

  it('says Passed when every threshold held and the run exited 0', () => {
    const banner = /<header class="verdict" data-verdict="(\w+)">(.*?)<\/header>/s.exec(passed);
    expect(banner?.[1]).toBe('passed');
    expect(text(banner?.[2] ?? '')).toMatch(/^Passed Script examples\/chat\.ts .* Exit code 0 Thresholds all 4 passed$/);
  });

  it('fails the verdict on a non-zero exit code even when the thresholds held, as the exit code does', () => {
    const interrupted: RunResults = { ...fixtureResults('passed'), exitCode: 105, stoppedBy: 'signal' };
    expect(verdictOf(interrupted)).toEqual({ verdict: 'failed', title: 'Failed: stopped by signal' });
    expect(text(/<header[^>]*>(.*?)<\/header>/s.exec(renderReport(interrupted))?.[1] ?? '')).toMatch(/Exit code 105 Stopped by signal$/);
    expect(verdictOf({ ...fixtureResults('passed'), exitCode: 107 })).toEqual({ verdict: 'failed', title: 'Failed: exit code 107' });
    expect(verdictOf({ ...fixtureResults('passed'), thresholds: [] })).toEqual({ verdict: 'passed', title: 'Passed' });
  });

  it('puts the sections in order: verdict, thresholds, checks, errors, charts, metrics', () => {
    const order = ['data-verdict', 'id="thresholds"', 'id="checks"', 'id="errors"', 'id="charts"', 'id="metrics"'].map((mark) => failed.indexOf(mark));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('lists the thresholds with the observed value in the unit of their aggregation', () => {
    expect(rows(section(failed, 'thresholds'))).toEqual([
      ['Metric', 'Threshold', 'Observed', 'Result'],
      ['ws_req_ttfr', 'p(95)<100', '160.5ms', 'failed'],
      ['ws_req_ttfr{name:login}', 'p(99)<500', '412.25ms', 'ok'],
      ['http_req_failed', 'rate<0.01', '2.00%', 'failed'],
      ['iterations', 'count>100', '1180', 'ok'],
    ]);
    expect(section(failed, 'thresholds')).toContain('<tr class="failed"><td><code>ws_req_ttfr</code>');
  });

  it('lists the checks with their group path and pass rate', () => {
    expect(rows(section(failed, 'checks'))).toEqual([
      ['Group', 'Check', 'Passes', 'Fails', 'Rate'],
      ['–', 'connected', '1180', '0', '100.00%'],
      ['login', 'status is 200', '95', '5', '95.00%'],
      ['–', INJECTED_CHECK, '1', '0', '100.00%'],
      ['chat › replies', SCRIPT_CLOSING_CHECK, '0', '2', '0.00%'],
    ]);
  });

  it('lists the errors by kind, most frequent first', () => {
    expect(rows(section(failed, 'errors'))).toEqual([
      ['Metric', 'Kind', 'Count'],
      ['ws_errors', 'error=refused', '12'],
      ['http_req_failed', 'error_code=1212', '4'],
      ['ws_errors', 'error=handshake_status, status=403', '3'],
    ]);
  });

  it('has one chart element per panel, titled, with what its lines are', () => {
    const panels = [...section(failed, 'charts').matchAll(/<div class="panel"><h3>(.*?)<\/h3><div class="chart" id="(chart-\d+)"><\/div>/g)];
    expect(panels.map((panel) => [panel[2], text(panel[1] ?? '')])).toEqual([
      ['chart-0', 'Active VUs'],
      ['chart-1', 'Iterations per second'],
      ['chart-2', 'WebSocket messages per second'],
      ['chart-3', 'HTTP requests per second'],
      ['chart-4', 'ws_req_ttfr p50 · p95 · p99; p95 by name'],
      ['chart-5', 'ws_connecting p50 · p95 · p99'],
      ['chart-6', 'http_req_duration p50 · p95 · p99'],
      ['chart-7', 'iteration_duration p50 · p95 · p99'],
      ['chart-8', 'queue_depth p50 · p95 · p99'],
      ['chart-9', 'Errors by kind per second'],
      ['chart-10', 'Data per second'],
    ]);
    expect((embeddedJson(failed, 'wsk-panels') as unknown[]).length).toBe(11);
  });

  it('lists every metric with its values formatted by kind: ms for time, kB/MB for data, % for rates', () => {
    expect(rows(section(failed, 'metrics'))).toEqual([
      ['Metric', 'Type', 'Values'],
      ['checks', 'rate', 'rate 99.44% passes 1276 fails 7'],
      ['data_received', 'counter', 'count 12 MB rate 206 kB/s'],
      ['data_sent', 'counter', 'count 354 kB rate 5.9 kB/s'],
      ['http_req_duration', 'trend', 'avg 24.5ms min 4ms med 20ms max 310ms p(90) 45ms p(95) 60ms count 200'],
      ['http_req_failed', 'rate', 'rate 2.00% passes 4 fails 196'],
      ['http_reqs', 'counter', 'count 200 rate 3.319502/s'],
      ['iteration_duration', 'trend', 'avg 1.01s min 1s med 1.01s max 2.1s p(90) 1.03s p(95) 1.04s count 1180'],
      ['iterations', 'counter', 'count 1180 rate 19.585062/s'],
      ['queue_depth', 'trend', 'avg 4.5 min 0 med 4 max 19 p(90) 9 p(95) 11 count 590'],
      ['vus', 'gauge', 'value 0 min 0 max 20'],
      ['ws_connecting', 'trend', 'avg 3.5ms min 1.25ms med 3ms max 41ms p(90) 6ms p(95) 8.5ms count 120'],
      ['ws_errors', 'counter', 'count 15 rate 0.248963/s'],
      ['ws_msgs_received', 'counter', 'count 4720 rate 78.34/s'],
      ['ws_msgs_sent', 'counter', 'count 2360 rate 39.17/s'],
      ['ws_req_ttfr', 'trend', 'avg 61.25ms min 750µs med 55ms max 1.53s p(90) 140.25ms p(95) 160.5ms count 2360'],
      ['{name:login}', 'trend', 'avg 150.5ms min 20ms med 140ms max 650ms p(90) 380ms p(95) 400.5ms count 100'],
    ]);
  });

  it('escapes user text: a check named like an <img> tag is text, and nothing closes a script early', () => {
    expect(failed).not.toContain(INJECTED_CHECK);
    expect(failed).toContain(escapeHtml(INJECTED_CHECK));
    expect(failed).not.toContain('<!--');
    // The four script elements (results, panels, uPlot, drawing) and no other end tag.
    expect(failed.match(/<\/script/gi)?.length).toBe(4);
    expect(embeddedJson(failed, 'wsk-results')).toEqual(fixtureResults('failed'));
  });

  it('references nothing outside the file: no http(s) or protocol-relative src/href, no imports, a CSP that forbids fetches', () => {
    for (const html of [failed, passed]) {
      expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
      expect(html).not.toMatch(/@import|url\(\s*["']?(?:https?:)?\/\//i);
      expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    }
  });

  it('inlines uPlot with its license, and says so when there is nothing to chart', () => {
    expect(failed).toContain('The MIT License (MIT)');
    expect(failed).toMatch(/var uPlot=function\(\)/);
    const bare: RunResults = { ...fixtureResults('passed'), thresholds: [], checks: [], errors: [], timeSeries: { bucketMs: 1000, startMs: 0, buckets: 0, series: [] } };
    const html = renderReport(bare);
    expect(text(section(html, 'thresholds'))).toBe('Thresholds No thresholds were set.');
    expect(text(section(html, 'checks'))).toBe('Checks No checks ran.');
    expect(text(section(html, 'errors'))).toBe('Errors by kind No errors.');
    expect(text(section(html, 'charts'))).toBe('Over time No time series were recorded.');
  });
});

describe('escaping', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('writes JSON with no < > & left, which still parses to the same value', () => {
    const value = { name: '</script><!-- & -->' };
    expect(jsonForScript(value)).toBe('{"name":"\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"}');
    expect(JSON.parse(jsonForScript(value))).toEqual(value);
  });
});
