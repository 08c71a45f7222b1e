import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startTarget } from '../../src/serve/index.js';
import type { RunningTarget } from '../../src/serve/types.js';
import { runScript } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number> }> };
const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;

let target: RunningTarget;
let api = '';
/** A port nobody listens on: bound once, then closed. */
let closedPort = 0;
/** Counts the TCP connections it accepted, to see keep-alive from the server's side. */
let counting: Server;
let countingUrl = '';
let connections = 0;

beforeAll(async () => {
  target = await startTarget('chat');
  api = target.url.replace(/^ws/, 'http');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  counting = createServer((_request, response) => response.end('ok'));
  counting.on('connection', () => connections++);
  await new Promise<void>((resolve) => counting.listen(0, '127.0.0.1', resolve));
  countingUrl = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await target.close();
  counting.closeAllConnections();
  await new Promise((resolve) => counting.close(resolve));
});

describe('wsk/http against real servers', () => {
  it('runs a k6 http script unchanged: responses usable in check(), phases and tags in the metrics, name-tagged thresholds', async () => {
    const { code, stderr, dir } = await runScript(
      `import http from 'k6/http';
       import { check } from 'k6';
       export const options = {
         vus: 2, iterations: 6,
         thresholds: { 'http_req_duration{name:login}': ['p(95)<2000'], http_req_failed: ['rate==0'], checks: ['rate==1'] },
         summaryTrendStats: ['min', 'max', 'count'],
       };
       export default function () {
         const login = http.post(__ENV.API + '/login', JSON.stringify({ username: 'ann', password: 'pw' }),
           { headers: { 'Content-Type': 'application/json' }, tags: { name: 'login' } });
         check(login, {
           'logged in': (r) => r.status === 200 && r.json('user') === 'ann',
           'json header': (r) => r.headers['Content-Type'] === 'application/json',
           'timings add up': (r) => Math.abs(r.timings.duration - (r.timings.sending + r.timings.waiting + r.timings.receiving)) < 0.01,
         });
         const items = http.get(__ENV.API + '/items', { headers: { Authorization: 'Bearer ' + login.json('token') } });
         check(items, { 'items': (r) => r.json('items.1.name') === 'banana' && r.json('items[0].id') === 1 });
       }`,
      ['--summary-export', 'summary.json', '-e', `API=${api}`],
      'script.js',
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    expect(metrics['http_reqs']!.values['count']).toBe(12);
    expect(metrics['checks']!.values['fails']).toBe(0);
    expect(metrics['checks']!.values['passes']).toBe(24);
    expect(metrics['http_req_duration{name:login}']!.values['count']).toBe(6);
    for (const phase of ['blocked', 'connecting', 'tls_handshaking', 'sending', 'waiting', 'receiving']) {
      expect(metrics[`http_req_${phase}`]!.values['count']).toBe(12);
    }
    expect(metrics['data_sent']!.values['count']).toBeGreaterThan(12 * 60);
    expect(metrics['data_received']!.values['count']).toBeGreaterThan(12 * 100);
  });

  it('measures waiting from the server delay and keeps one connection per VU across iterations', async () => {
    const before = connections;
    const { code, stderr, dir } = await runScript(
      `import http from 'wsk/http';
       import { check } from 'wsk';
       export const options = { vus: 1, iterations: 5, thresholds: { 'http_req_waiting{name:delay}': ['min>=140'], checks: ['rate==1'] }, summaryTrendStats: ['min', 'max', 'count'] };
       export default async function () {
         await http.get(__ENV.API + '/delay/150', { tags: { name: 'delay' } });
         const again = await http.get(__ENV.COUNTING);
         check(again, { 'reused after the first iteration': (r) => __ITER === 0 || r.timings.connecting === 0 });
       }`,
      ['--summary-export', 'summary.json', '-e', `API=${api}`, '-e', `COUNTING=${countingUrl}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(connections - before).toBe(1);
    const { metrics } = summaryOf(dir);
    expect(metrics['http_req_waiting{name:delay}']!.values['min']).toBeGreaterThanOrEqual(140);
    expect(metrics['http_req_waiting{name:delay}']!.values['max']).toBeLessThan(5000);
  });

  it('counts refused, timed-out and 5xx requests in http_req_failed with their error codes, and the VU carries on', async () => {
    const { code, stderr, dir } = await runScript(
      `import http from 'wsk/http';
       import { check } from 'wsk';
       export const options = {
         iterations: 2,
         thresholds: {
           'http_req_failed{error_code:1212}': ['rate==1'],
           'http_req_failed{error_code:1050}': ['rate==1'],
           'http_req_failed{status:200}': ['rate==0'],
           checks: ['rate==1'],
         },
       };
       export default async function () {
         const refused = await http.get('http://127.0.0.1:' + __ENV.CLOSED_PORT + '/');
         const slow = await http.get(__ENV.API + '/delay/2000', { timeout: '200ms' });
         const unavailable = await http.get(__ENV.API + '/status/503');
         const ok = await http.get(__ENV.API + '/health');
         check(null, {
           refused: () => refused.status === 0 && refused.error_code === 1212 && refused.error !== '',
           timeout: () => slow.error_code === 1050,
           unavailable: () => unavailable.status === 503 && unavailable.error_code === 1503,
           'still fine': () => ok.status === 200,
         });
       }`,
      ['--summary-export', 'summary.json', '-e', `API=${api}`, '-e', `CLOSED_PORT=${closedPort}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    expect(metrics['http_req_failed']!.values['passes']).toBe(6);
    expect(metrics['http_req_failed']!.values['fails']).toBe(2);
    // The summary shows the failures by kind, as it does ws_errors (1503 has no threshold selecting it).
    expect(metrics['http_req_failed{error_code:1503}']!.values['passes']).toBe(2);
  });

  it('keeps a cookie jar per VU, emptied each iteration as in k6, follows redirects and runs a batch in parallel', async () => {
    const { code, stderr } = await runScript(
      `import http from 'wsk/http';
       import { check } from 'wsk';
       export const options = { vus: 2, iterations: 4, thresholds: { checks: ['rate==1'] } };
       export default async function () {
         const before = http.cookieJar().cookiesForURL(__ENV.API + '/');
         await http.get(__ENV.API + '/cookies/set?flavour=vu' + __VU);
         const echoed = await http.get(__ENV.API + '/cookies');
         const jar = http.cookieJar().cookiesForURL(__ENV.API + '/');
         const redirected = await http.get(__ENV.API + '/redirect/3');
         const started = Date.now();
         const [a, b, c] = await http.batch([__ENV.API + '/delay/300', ['GET', __ENV.API + '/delay/300'], { url: __ENV.API + '/delay/300' }]);
         const took = Date.now() - started;
         check(null, {
           'own cookie': () => echoed.json('cookies.flavour') === 'vu' + __VU && jar.flavour[0] === 'vu' + __VU,
           'empty jar at the start': () => Object.keys(before).length === 0,
           'redirects followed': () => redirected.status === 200 && redirected.url.endsWith('/get'),
           'batch in parallel': () => [a, b, c].every((r) => r.status === 200) && took < 800,
         });
       }`,
      ['-e', `API=${api}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
  });

  it('works in setup(), throws when asked to, and refuses requests in init code with a clear error', async () => {
    const inSetup = await runScript(
      `import http from 'wsk/http';
       export const options = { iterations: 1 };
       export async function setup() { return { token: (await http.post(__ENV.API + '/login', { username: 'bo', password: 'pw' })).json('token') }; }
       export default async function (data) {
         const items = await http.get(__ENV.API + '/items', { headers: { Authorization: 'Bearer ' + data.token } });
         if (items.status !== 200) throw new Error('token from setup was refused: ' + items.status);
         await http.get('http://127.0.0.1:' + __ENV.CLOSED_PORT + '/', { throw: true });
       }`,
      ['-e', `API=${api}`, '-e', `CLOSED_PORT=${closedPort}`],
    );
    expect(inSetup.stderr).not.toContain('token from setup was refused');
    expect(inSetup.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/: .*refused.*error_code 1212/);

    const inInit = await runScript(`import http from 'wsk/http';\nexport const pending = http.get('http://127.0.0.1:1/');\nexport default function () {}\n`);
    expect(inInit.code).toBe(107);
    expect(inInit.stderr).toContain('http requests are not available in init code');
  });

  it('rejects bad params with one line naming the value', async () => {
    const { stderr } = await runScript(
      `import http from 'wsk/http';
       export const options = { iterations: 1 };
       export default async function () { await http.get('http://127.0.0.1:1/', { responseType: 'json' }); }`,
    );
    expect(stderr).toContain('params.responseType must be one of text, binary, none, got "json"');
    expect(stderr).toContain('script.ts:3');
  });
});
