import { describe, expect, it } from 'vitest';
import { csvFiles, historyCsv, statsCsv } from '../../../src/results/csv.js';
import { resultsJson } from '../../../src/results/json.js';
import { escapeXml, resultsJunit } from '../../../src/results/junit.js';
import { resultsMarkdown } from '../../../src/results/markdown.js';
import type { RunResults } from '../../../src/results/types.js';
import { NASTY_CHECK, RESULTS } from './fixture.js';

/** An RFC 4180 reader: CRLF rows, quoted fields with doubled quotes and line breaks inside. */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = ''), i++;
    } else field += char;
  }
  return rows;
}

/** Rows as objects by header. */
function records(text: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(text);
  for (const row of rows) expect(row).toHaveLength(header.length);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

describe('json', () => {
  it('is the results as compact JSON with a trailing newline', () => {
    const text = resultsJson(RESULTS);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
    expect(JSON.parse(text)).toEqual(RESULTS);
  });
});

describe('csv', () => {
  it('names its two files from the prefix', () => {
    expect(csvFiles('out/run1')).toEqual({ stats: 'out/run1_stats.csv', history: 'out/run1_history.csv' });
  });

  it('writes one stats row per metric and submetric, with the cells its type has', () => {
    const text = statsCsv(RESULTS);
    expect(text.split('\r\n')[0]).toBe('Name,Type,Count,Rate/s,Avg,Min,Med,P90,P95,P99,Max,Passes,Fails,Value');
    const rows = records(text);
    expect(rows.map((row) => row['Name'])).toEqual(['checks', 'data_received', 'http_req_duration', 'iterations', 'vus', 'ws_connecting{name:"a,b"}']);
    const _ = '';
    expect(rows.map((row) => Object.values(row))).toEqual([
      // Name, Type, Count, Rate/s, Avg, Min, Med, P90, P95, P99, Max, Passes, Fails, Value
      ['checks', 'rate', '20', _, _, _, _, _, _, _, _, '19', '1', '0.95'],
      ['data_received', 'counter', '2048', '1024', _, _, _, _, _, _, _, _, _, _],
      ['http_req_duration', 'trend', '40', '20', '250.5', '1', '200', '480', '612.3', '1400.25', '1500', _, _, _],
      ['iterations', 'counter', '0', '0', _, _, _, _, _, _, _, _, _, _],
      ['vus', 'gauge', _, _, _, '1', _, _, _, _, '5', _, _, '2'],
      ['ws_connecting{name:"a,b"}', 'trend', _, _, '0', '0', '0', _, _, _, '0', _, _, _],
    ]);
  });

  it('writes one history row per bucket and series with samples, by time, quoting per RFC 4180', () => {
    const text = historyCsv(RESULTS);
    expect(text.split('\r\n')[0]).toBe('Timestamp,Metric,Tags,Count,Sum,Rate,Value,Avg,Min,P50,P90,P95,P99,Max');
    expect(text).toContain('"name:a,""b"""');
    const _ = '';
    expect(records(text).map((row) => Object.values(row))).toEqual([
      // Timestamp, Metric, Tags, Count, Sum, Rate, Value, Avg, Min, P50, P90, P95, P99, Max
      ['1700000000', 'checks', _, '10', '10', _, '1', _, _, _, _, _, _, _],
      ['1700000000', 'data_received', _, _, '2048', '2048', _, _, _, _, _, _, _, _],
      ['1700000000', 'vus', _, _, _, _, '1', _, _, _, _, _, _, _],
      ['1700000001', 'checks', _, '10', '9', _, '0.9', _, _, _, _, _, _, _],
      ['1700000001', 'http_req_duration', 'name:a,"b"', '40', _, '40', _, '250.5', '1', '200', '480', '612.3', '1400.25', '1500'],
      ['1700000001', 'vus', _, _, _, _, '2', _, _, _, _, _, _, _],
    ]);
  });
});

describe('junit', () => {
  const xml = resultsJunit(RESULTS);
  const suites = [...xml.matchAll(/<testsuite (.*?)>([\s\S]*?)<\/testsuite>/g)];

  it('has a thresholds suite and a checks suite with counts that match their cases', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="wsk" tests="6" failures="3" errors="0" time="2.000">')).toBe(true);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
    expect(suites.map(([, attributes]) => attributes)).toEqual([
      'name="thresholds" tests="4" failures="2" errors="0" skipped="0" time="2.000" timestamp="2023-11-14T22:13:20"',
      'name="checks" tests="2" failures="1" errors="0" skipped="0" time="2.000" timestamp="2023-11-14T22:13:20"',
    ]);
    for (const [, attributes, body] of suites) {
      expect((body ?? '').match(/<testcase /g)?.length).toBe(Number(/tests="(\d+)"/.exec(attributes ?? '')?.[1]));
      expect((body ?? '').match(/<failure /g)?.length ?? 0).toBe(Number(/failures="(\d+)"/.exec(attributes ?? '')?.[1]));
    }
  });

  it('puts the observed value with its unit in a failed threshold, and escapes the expression', () => {
    expect(suites[0]?.[2]).toBe(
      [
        '',
        '    <testcase classname="http_req_duration" name="p(95)&lt;500" time="0">',
        '      <failure message="observed p(95)=612.3 ms, threshold p(95)&lt;500" type="threshold">observed p(95)=612.3 ms, threshold p(95)&lt;500</failure>',
        '    </testcase>',
        '    <testcase classname="checks" name="rate&gt;0.9" time="0"/>',
        '    <testcase classname="data_received" name="count&lt;1000" time="0">',
        '      <failure message="observed count=2048 B, threshold count&lt;1000" type="threshold">observed count=2048 B, threshold count&lt;1000</failure>',
        '    </testcase>',
        '    <testcase classname="ws_connecting{name:&quot;a,b&quot;}" name="p(99)&lt;100" time="0"/>',
        '  ',
      ].join('\n'),
    );
  });

  it('gives each check its group path as classname and "N of M failed" when it failed', () => {
    expect(suites[1]?.[2]).toBe(
      [
        '',
        '    <testcase classname="(root)" name="status is 200" time="0">',
        '      <failure message="1 of 20 failed" type="check">1 of 20 failed</failure>',
        '    </testcase>',
        '    <testcase classname="::login" name="body has &lt;b&gt; &amp; &quot;quotes&quot;, a | pipe&#10;and a line break" time="0"/>',
        '  ',
      ].join('\n'),
    );
  });

  it('escapes what XML cannot hold raw', () => {
    expect(escapeXml(`<a href='x'>&amp;</a>\t\r\n`)).toBe('&lt;a href=&apos;x&apos;&gt;&amp;amp;&lt;/a&gt;&#9;&#13;&#10;');
    expect(escapeXml('bell\u0007 nul\u0000 lone\uD800 pair\uD83D\uDE00')).toBe('bell\uFFFD nul\uFFFD lone\uFFFD pair\uD83D\uDE00');
  });

  it('writes empty suites when there are no thresholds or checks', () => {
    const empty: RunResults = { ...RESULTS, thresholds: [], checks: [] };
    expect(resultsJunit(empty)).toContain('<testsuite name="thresholds" tests="0" failures="0"');
  });
});

describe('markdown', () => {
  const markdown = resultsMarkdown(RESULTS);
  const tableAfter = (heading: string): string[] => {
    const start = markdown.indexOf(`### ${heading}\n\n`);
    expect(start).toBeGreaterThan(-1);
    return markdown.slice(start).split('\n\n')[1]?.trimEnd().split('\n') ?? [];
  };

  it('starts with the verdict and the run', () => {
    expect(markdown.split('\n\n').slice(0, 2)).toEqual([
      '## ❌ failed — 2 of 4 thresholds failed',
      '`scripts/chat.ts` · 2023-11-14T22:13:20.000Z · 2s · wsk 0.1.0',
    ]);
    const passed: RunResults = { ...RESULTS, exitCode: 0, thresholds: RESULTS.thresholds.map((t) => ({ ...t, ok: true })) };
    expect(resultsMarkdown(passed).split('\n')[0]).toBe('## ✅ passed — 4 of 4 thresholds passed');
    const interrupted: RunResults = { ...passed, exitCode: 105, stoppedBy: 'signal' };
    expect(resultsMarkdown(interrupted).split('\n')[0]).toBe('## ❌ failed — exit code 105 (stopped by signal)');
    expect(resultsMarkdown({ ...passed, thresholds: [] }).split('\n')[0]).toBe('## ✅ passed');
  });

  it('tables the thresholds with what they observed', () => {
    expect(tableAfter('Thresholds')).toEqual([
      '| Metric | Threshold | Observed | Result |',
      '| --- | --- | --- | --- |',
      '| `http_req_duration` | `p(95)<500` | 612.3 ms | ❌ fail |',
      '| `checks` | `rate>0.9` | 95.00% | ✅ pass |',
      '| `data_received` | `count<1000` | 2048 B | ❌ fail |',
      '| `ws_connecting{name:"a,b"}` | `p(99)<100` | no samples | ✅ pass |',
    ]);
  });

  it('tables the checks, escaping what Markdown would act on', () => {
    expect(tableAfter('Checks')).toEqual([
      '| Group | Check | Passes | Fails | Passed |',
      '| --- | --- | --- | --- | --- |',
      '| (root) | status is 200 | 19 | 1 | ❌ 95.00% |',
      '| ::login | body has &lt;b&gt; &amp; "quotes", a \\| pipe and a line break | 4 | 0 | ✅ 100.00% |',
    ]);
    expect(NASTY_CHECK).toContain('\n');
  });

  it('tables errors by kind and the metrics with samples, in their units', () => {
    expect(tableAfter('Errors')).toEqual([
      '| Metric | Kind | Count |',
      '| --- | --- | --- |',
      '| `ws_errors` | error: handshake\\_status, status: 403 | 3 |',
      '| `http_req_failed` | (unspecified) | 1 |',
    ]);
    expect(tableAfter('Metrics')).toEqual([
      '| Metric | Total | Avg | p95 | p99 | Max |',
      '| --- | --- | --- | --- | --- | --- |',
      '| `checks` | 95.00% (19 of 20) |  |  |  |  |',
      '| `data_received` | 2.0 kB (1.0 kB/s) |  |  |  |  |',
      '| `http_req_duration` | 40 | 250.5 ms | 612.3 ms | 1400.25 ms | 1500 ms |',
      '| `vus` | 2 (min 1, max 5) |  |  |  |  |',
    ]);
    expect(markdown.endsWith('|\n')).toBe(true);
  });
});
