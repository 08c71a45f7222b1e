import { describe, expect, it } from 'vitest';
import type { SummaryData } from '../../../src/summary/data.js';
import { renderLegacySummary } from '../../../src/summary/legacy.js';

const NO_ID = '';

const DATA: SummaryData = {
  root_group: {
    name: '',
    path: '',
    id: NO_ID,
    groups: [
      {
        name: 'login',
        path: '::login',
        id: NO_ID,
        groups: [],
        checks: [
          { name: 'status is 101', path: '::login::status is 101', id: NO_ID, passes: 3, fails: 0 },
          { name: 'got token', path: '::login::got token', id: NO_ID, passes: 2, fails: 1 },
        ],
      },
    ],
    checks: [{ name: 'connected', path: '::connected', id: NO_ID, passes: 3, fails: 0 }],
  },
  options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: null, noColor: true },
  state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_000 },
  metrics: {
    vus: { type: 'gauge', contains: 'default', values: { value: 1, min: 1, max: 10 } },
    iterations: { type: 'counter', contains: 'default', values: { count: 30, rate: 2.999 } },
    checks: { type: 'rate', contains: 'default', values: { rate: 8 / 9, passes: 8, fails: 1 }, thresholds: { 'rate>0.95': { ok: false } } },
    data_received: { type: 'counter', contains: 'data', values: { count: 123_456, rate: 12_345.6 } },
    iteration_duration: {
      type: 'trend',
      contains: 'time',
      values: { avg: 1523.4, min: 0.25, med: 1000, max: 62_000, 'p(90)': 3.5, 'p(95)': 12.345 },
      thresholds: { 'p(95)<500': { ok: true } },
    },
    'iteration_duration{scenario:spike}': {
      type: 'trend',
      contains: 'time',
      values: { avg: 1, min: 1, med: 1, max: 1, 'p(90)': 1, 'p(95)': 1 },
      thresholds: { 'max<2': { ok: true } },
    },
  },
};

const GOLDEN = [
  '     ✓ connected',
  '',
  '     █ login',
  '',
  '       ✓ status is 101',
  '       ✗ got token',
  '        ↳  66% — ✓ 2 / ✗ 1',
  '',
  '   ✗ checks.................: 88.88% ✓ 8     ✗ 1',
  '     data_received..........: 123 kB 12 kB/s',
  '   ✓ iteration_duration.....: avg=1.52s min=250µs med=1s  max=1m2s p(90)=3.5ms p(95)=12.34ms',
  '     ✓ { scenario:spike }...: avg=1ms   min=1ms   med=1ms max=1ms  p(90)=1ms   p(95)=1ms',
  '     iterations.............: 30     2.999/s',
  '     vus....................: 1      min=1   max=10',
  '',
].join('\n');

describe('renderLegacySummary', () => {
  it('renders the checks tree and the metrics in aligned columns', () => {
    expect(renderLegacySummary(DATA, { color: false })).toBe(GOLDEN);
  });

  it('colours with ANSI only when asked', () => {
    const coloured = renderLegacySummary(DATA, { color: true });
    expect(coloured).toContain('\x1b[32m     ✓ connected\x1b[0m');
    expect(coloured).toContain('\x1b[31m✗\x1b[0m checks');
    expect(coloured).toContain('\x1b[36m88.88%\x1b[0m');
    expect(renderLegacySummary(DATA, { color: false })).not.toContain('\x1b[');
  });

  it('takes another indent', () => {
    expect(renderLegacySummary(DATA, { color: false, indent: '' }).split('\n')[0]).toBe('    ✓ connected');
  });

  it('renders metrics only when there are no checks', () => {
    const data: SummaryData = { ...DATA, root_group: { ...DATA.root_group, groups: [], checks: [] }, metrics: { vus: DATA.metrics['vus']! } };
    expect(renderLegacySummary(data, { color: false })).toBe('     vus...: 1 min=1 max=10\n');
  });
});
