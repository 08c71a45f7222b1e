/** A hand-written RunResults for the writers' tests, with text that needs escaping in every format. */
import type { RunResults } from '../../../src/results/types.js';

export const NASTY_CHECK = 'body has <b> & "quotes", a | pipe\nand a line break';

export const RESULTS: RunResults = {
  format: 'wsk-results/1',
  wsk: { version: '0.1.0', node: 'v20.0.0' },
  script: 'scripts/chat.ts',
  startedAt: '2023-11-14T22:13:20.000Z',
  endedAt: '2023-11-14T22:13:22.000Z',
  durationMs: 2000,
  exitCode: 99,
  stoppedBy: '',
  options: { vus: 2 },
  thresholds: [
    { metric: 'http_req_duration', key: 'http_req_duration', expression: 'p(95)<500', ok: false, observed: 612.3, abortOnFail: false },
    { metric: 'checks', key: 'checks', expression: 'rate>0.9', ok: true, observed: 0.95, abortOnFail: false },
    { metric: 'data_received', key: 'data_received', expression: 'count<1000', ok: false, observed: 2048, abortOnFail: false },
    { metric: 'ws_connecting', key: 'ws_connecting{name:"a,b"}', expression: 'p(99)<100', ok: true, observed: null, abortOnFail: false },
  ],
  checks: [
    { group: '', name: 'status is 200', passes: 19, fails: 1 },
    { group: '::login', name: NASTY_CHECK, passes: 4, fails: 0 },
  ],
  metrics: {
    http_req_duration: {
      type: 'trend',
      contains: 'time',
      values: { avg: 250.5, min: 1, med: 200, max: 1500, 'p(90)': 480, 'p(95)': 612.3, 'p(99)': 1400.25, count: 40 },
    },
    checks: { type: 'rate', contains: 'default', values: { rate: 0.95, passes: 19, fails: 1 } },
    data_received: { type: 'counter', contains: 'data', values: { count: 2048, rate: 1024 } },
    vus: { type: 'gauge', contains: 'default', values: { value: 2, min: 1, max: 5 } },
    iterations: { type: 'counter', contains: 'default', values: { count: 0, rate: 0 } },
    'ws_connecting{name:"a,b"}': { type: 'trend', contains: 'time', values: { avg: 0, min: 0, med: 0, max: 0 } },
  },
  errors: [
    { metric: 'ws_errors', kind: { error: 'handshake_status', status: '403' }, count: 3 },
    { metric: 'http_req_failed', kind: {}, count: 1 },
  ],
  timeSeries: {
    bucketMs: 1000,
    startMs: 1_700_000_000_000,
    buckets: 2,
    series: [
      { metric: 'checks', type: 'rate', contains: 'default', tags: {}, passes: [10, 9], samples: [10, 10] },
      { metric: 'data_received', type: 'counter', contains: 'data', tags: {}, sum: [2048, null] },
      {
        metric: 'http_req_duration',
        type: 'trend',
        contains: 'time',
        tags: { name: 'a,"b"' },
        count: [null, 40],
        avg: [null, 250.5],
        min: [null, 1],
        p50: [null, 200],
        p90: [null, 480],
        p95: [null, 612.3],
        p99: [null, 1400.25],
        max: [null, 1500],
      },
      { metric: 'vus', type: 'gauge', contains: 'default', tags: {}, value: [1, 2] },
    ],
  },
};
