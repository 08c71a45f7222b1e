import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runScript } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number>; noSamples?: boolean }> };
type Results = { timeSeries: { series: { metric: string; tags: Record<string, string> }[] } };
const readJson = <T>(dir: string, file: string): T => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;

/** Answers every path with 200 "ok", so each request can have a URL of its own. */
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A script requesting `requests` distinct URLs (BASE/items/<vu>-<iteration>) across 4 VUs; `request` sees `BASE` and `id`. */
function uniqueUrls(requests: number, request: string, options = ''): string {
  return `import http from 'wsk/http';
    const BASE = ${JSON.stringify(base)};
    export const options = {
      scenarios: { items: { executor: 'shared-iterations', vus: 4, iterations: ${requests} } },
      ${options}
    };
    export default async function () {
      const id = __VU + '-' + __ITER;
      ${request}
    }`;
}

describe('series of requests to distinct URLs', () => {
  it('keys requests named with http.url by the name: no series carries their 2,000 URLs', async () => {
    const { code, stderr, dir } = await runScript(
      uniqueUrls(2000, 'await http.get(http.url`${BASE}/items/${id}`);', `thresholds: {
        'http_reqs{name:\${}/items/\${}}': ['count==2000'],
        'http_reqs{url:${base}/items/1-0}': ['count==0'],
      },`),
      ['--summary-export', 'summary.json', '--out', 'json=results.json'],
    );
    expect(stderr).not.toMatch(/WARN|ERROR/);
    expect(code).toBe(0);
    const { metrics } = readJson<Summary>(dir, 'summary.json');
    expect(metrics['http_reqs']!.values['count']).toBe(2000);
    // http.url names a request by its template: every interpolation reads ${}.
    expect(metrics['http_reqs{name:${}/items/${}}']!.values['count']).toBe(2000);
    // No series carries a url: a submetric by one of the URLs finds nothing.
    expect(metrics[`http_reqs{url:${base}/items/1-0}`]!.noSamples).toBe(true);
    const { timeSeries } = readJson<Results>(dir, 'results.json');
    expect(JSON.stringify(timeSeries)).not.toMatch(/\/items\/\d/);
    const names = timeSeries.series.filter((s) => s.metric === 'http_req_duration' && s.tags['name'] !== undefined);
    expect(names.map((s) => s.tags)).toEqual([{ name: '${}/items/${}' }]);
  });

  it('keys requests by what options.systemTags keeps', async () => {
    const { code, stderr, dir } = await runScript(
      uniqueUrls(300, 'await http.get(`${BASE}/items/${id}`);', `systemTags: ['method', 'status', 'scenario'],
      thresholds: { 'http_reqs{method:GET,status:200,scenario:items}': ['count==300'] },`),
      ['--summary-export', 'summary.json', '--out', 'json=results.json'],
    );
    expect(stderr).not.toMatch(/WARN|ERROR/);
    expect(code).toBe(0);
    const { timeSeries } = readJson<Results>(dir, 'results.json');
    expect(JSON.stringify(timeSeries)).not.toMatch(/\/items\/\d/);
    const tags = timeSeries.series.filter((s) => s.metric === 'http_reqs').map((s) => s.tags);
    expect(tags).toEqual([{}, { scenario: 'items' }, { status: '200' }, { method: 'GET' }]);
  });

  it('past 10,000 URLs of unnamed requests, warns once naming the tags and counts the rest as "(other)"', async () => {
    const { code, stderr, dir } = await runScript(
      uniqueUrls(10_500, 'await http.get(`${BASE}/items/${id}`);', `thresholds: { 'http_reqs{url:(other)}': ['count==500'] },`),
      ['--summary-export', 'summary.json', '--workers', '1'],
    );
    expect(code).toBe(0);
    const warnings = stderr.split('\n').filter((line) => line.startsWith('WARN'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/reached 10000 series, the most one metric keeps: tags "name" and "url" took 10000 and 10000 distinct values; new values now count as "\(other\)"/);
    const { metrics } = readJson<Summary>(dir, 'summary.json');
    expect(metrics['http_reqs']!.values['count']).toBe(10_500);
    expect(metrics['http_reqs{url:(other)}']!.values['count']).toBe(500);
  });

  it('refuses an unknown system tag with one line naming it, the option and what is allowed', async () => {
    const { code, stderr } = await runScript(`export const options = { systemTags: ['status', 'uri'] };\nexport default function () {}`);
    expect(code).toBe(104);
    expect(stderr).toMatch(/options\.systemTags\[1\]: invalid value "uri"; allowed: proto, subproto, status, method, url, name, /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
