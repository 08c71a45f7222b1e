import { describe, expect, it } from 'vitest';
import type { SummaryData, SummaryMetric } from '../../../src/summary/data.js';
import type { Breakdown } from '../../../src/summary/report.js';
import { SummarySections } from '../../../src/summary/sections.js';
import { summaryText } from '../../../src/summary/text.js';

const NO_ID = '';
const time = (values: Record<string, number>): SummaryMetric => ({ type: 'trend', contains: 'time', values });
const counter = (count: number, rate: number, contains: SummaryMetric['contains'] = 'default'): SummaryMetric => ({ type: 'counter', contains, values: { count, rate } });
const rate = (passes: number, fails: number): SummaryMetric => ({ type: 'rate', contains: 'default', values: { rate: passes / (passes + fails), passes, fails } });
const trend = (ms: number): SummaryMetric => time({ avg: ms, min: ms, med: ms, max: ms, 'p(90)': ms, 'p(95)': ms });

const DATA: SummaryData = {
  root_group: {
    name: '',
    path: '',
    id: NO_ID,
    checks: [{ name: 'connected', path: '::connected', id: NO_ID, passes: 3, fails: 0 }],
    groups: [
      {
        name: 'login',
        path: '::login',
        id: NO_ID,
        groups: [],
        checks: [
          { name: 'got token', path: '::login::got token', id: NO_ID, passes: 2, fails: 1 },
          // The same name as a check outside the group: one line in the total results.
          { name: 'connected', path: '::login::connected', id: NO_ID, passes: 1, fails: 0 },
        ],
      },
    ],
  },
  options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: null, noColor: true },
  state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_000 },
  metrics: {
    checks: { ...rate(6, 1), thresholds: { 'rate>0.95': { ok: false } } },
    vus: { type: 'gauge', contains: 'default', values: { value: 1, min: 1, max: 10 } },
    iterations: counter(30, 3),
    iteration_duration: trend(1523.4),
    group_duration: trend(12),
    data_received: counter(123_456, 12_345.6, 'data'),
    http_reqs: counter(60, 6),
    http_req_duration: { ...time({ avg: 20.5, min: 1.25, med: 18, max: 250, 'p(90)': 40, 'p(95)': 61.5 }), thresholds: { 'p(95)<500': { ok: true }, 'p(99)<800': { ok: true } } },
    'http_req_duration{name:login}': { ...trend(30), thresholds: { 'max<20': { ok: false } } },
    http_req_blocked: trend(0.5),
    http_req_failed: rate(1, 59),
    ws_sessions: counter(3, 0.3),
    ws_errors: counter(2, 0.2),
    'ws_errors{error:refused}': counter(2, 0.2),
    ws_req_failed: { ...rate(0, 0), noSamples: true, thresholds: { 'rate<0.1': { ok: true } } },
    chat_latency: trend(2),
  },
};

const COMPACT = [
  '  █ THRESHOLDS',
  '',
  '    checks',
  "    ✗ 'rate>0.95' rate=85.71%",
  '',
  '    http_req_duration',
  "    ✓ 'p(95)<500' p(95)=61.5ms",
  "    ✓ 'p(99)<800' p(99)=199ms",
  '',
  '      {name:login}',
  "      ✗ 'max<20' max=30ms",
  '',
  '    ws_req_failed',
  "    ✓ 'rate<0.1' (no samples)",
  '',
  '',
  '  █ TOTAL RESULTS',
  '',
  '    checks_total.......: 7      0.7/s',
  '    checks_succeeded...: 85.71% 6 out of 7',
  '    checks_failed......: 14.28% 1 out of 7',
  '',
  '    ✓ connected',
  '    ✗ got token',
  '      ↳  66% — ✓ 2 / ✗ 1',
  '',
  '    CUSTOM',
  '    chat_latency..........: avg=2ms    min=2ms    med=2ms   max=2ms   p(90)=2ms   p(95)=2ms',
  '',
  '    HTTP',
  '    http_req_duration.....: avg=20.5ms min=1.25ms med=18ms  max=250ms p(90)=40ms  p(95)=61.5ms',
  '      { name:login }......: avg=30ms   min=30ms   med=30ms  max=30ms  p(90)=30ms  p(95)=30ms',
  '    http_req_failed.......: 1.66%  1 out of 60',
  '    http_reqs.............: 60     6/s',
  '',
  '    EXECUTION',
  '    iteration_duration....: avg=1.52s  min=1.52s  med=1.52s max=1.52s p(90)=1.52s p(95)=1.52s',
  '    iterations............: 30     3/s',
  '    vus...................: 1      min=1       max=10',
  '',
  '    NETWORK',
  '    data_received.........: 123 kB 12 kB/s',
  '',
  '    WEBSOCKET',
  '    ws_errors.............: 2      0.2/s',
  '      { error:refused }...: 2      0.2/s',
  '    ws_req_failed.........: no samples',
  '    ws_sessions...........: 3      0.3/s',
  '',
].join('\n');

const P99 = (key: string, source: string): number | undefined => (key === 'http_req_duration' && source === 'p(99)<800' ? 199 : undefined);

/** Per-group results for full mode, as breakdown.ts makes them from the store. */
const BREAKDOWN: Breakdown = {
  groups: [
    {
      name: 'login',
      metrics: { checks: rate(2, 1), http_reqs: counter(20, 2), http_req_blocked: trend(0.5) },
      checks: [{ name: 'got token', passes: 2, fails: 1 }],
      groups: [{ name: 'step', metrics: { http_reqs: counter(10, 1) }, checks: [], groups: [] }],
    },
  ],
  scenarios: [{ name: 'spike', metrics: { iterations: counter(5, 0.5) }, checks: [], groups: [] }],
};

describe('summaryText in the k6 1.x layout', () => {
  it('renders the thresholds, the checks and the metrics by section (compact)', () => {
    expect(summaryText(DATA, { mode: 'compact', color: false, observed: P99 })).toBe(COMPACT);
  });

  it('adds the phases of HTTP requests and each group and scenario in full mode', () => {
    const text = summaryText(DATA, { mode: 'full', color: false, observed: P99, breakdown: BREAKDOWN });
    expect(text).toContain('    http_req_blocked......: avg=500µs ');
    expect(text.slice(text.indexOf('  █ GROUP: login'))).toBe(
      [
        '  █ GROUP: login',
        '',
        '    checks_total.......: 3      0.3/s',
        '    checks_succeeded...: 66.66% 2 out of 3',
        '    checks_failed......: 33.33% 1 out of 3',
        '',
        '    ✗ got token',
        '      ↳  66% — ✓ 2 / ✗ 1',
        '',
        '    HTTP',
        '    http_req_blocked...: avg=500µs min=500µs med=500µs max=500µs p(90)=500µs p(95)=500µs',
        '    http_reqs..........: 20 2/s',
        '',
        '    ↳ GROUP: step',
        '',
        '      HTTP',
        '      http_reqs...: 10 1/s',
        '',
        '',
        '  █ SCENARIO: spike',
        '',
        '    EXECUTION',
        '    iterations...: 5 0.5/s',
        '',
      ].join('\n'),
    );
  });

  it('shows no groups without a breakdown, nor in compact mode', () => {
    expect(summaryText(DATA, { mode: 'full', color: false })).not.toContain('GROUP:');
    expect(summaryText(DATA, { mode: 'compact', color: false, breakdown: BREAKDOWN })).not.toContain('GROUP:');
  });

  it('leaves out the thresholds section and the checks block when there are none', () => {
    const metrics = { iterations: counter(1, 1) };
    const data: SummaryData = { ...DATA, root_group: { ...DATA.root_group, groups: [], checks: [] }, metrics };
    expect(summaryText(data, { mode: 'compact', color: false })).toBe(['  █ TOTAL RESULTS', '', '    EXECUTION', '    iterations...: 1 1/s', ''].join('\n'));
  });

  it('puts a threshold value it does not know as the expression alone', () => {
    expect(summaryText(DATA, { mode: 'compact', color: false })).toContain("    ✓ 'p(99)<800'\n");
  });

  it('shows a protocol without a summary section of its own under CUSTOM', () => {
    const text = summaryText(DATA, { mode: 'compact', color: false, sections: new SummarySections([]) });
    expect(text).toMatch(/CUSTOM\n {4}chat_latency\.+: .*\n {4}http_req_blocked\.+: .*\n {4}http_req_duration\.+:/);
    expect(text).not.toContain('    HTTP\n');
  });

  it('puts the indent before every line that is not blank', () => {
    const lines = summaryText(DATA, { mode: 'compact', color: false, indent: '> ' }).split('\n');
    expect(lines[0]).toBe('>   █ THRESHOLDS');
    expect(lines[1]).toBe('');
    expect(lines.filter((line) => line !== '').every((line) => line.startsWith('> '))).toBe(true);
  });

  it('colours with ANSI only when asked', () => {
    const coloured = summaryText(DATA, { mode: 'compact', color: true });
    expect(coloured).toContain('  █ \x1b[1mTOTAL RESULTS\x1b[0m');
    expect(coloured).toContain('\x1b[32m    ✓ connected\x1b[0m');
    expect(coloured).toContain("\x1b[31m✗\x1b[0m \x1b[37m'rate>0.95'\x1b[0m \x1b[37mrate\x1b[0m=\x1b[36m85.71%\x1b[0m");
    expect(summaryText(DATA, { mode: 'compact', color: false })).not.toContain('\x1b[');
  });

  it('renders the layout before k6 1.0 in legacy mode', () => {
    const text = summaryText(DATA, { mode: 'legacy', color: false });
    expect(text).not.toContain('█ TOTAL RESULTS');
    expect(text).toContain('     █ login');
    expect(text).toMatch(/^ {3}✗ checks\.+: 85\.71% ✓ 6 +✗ 1$/m);
  });
});
