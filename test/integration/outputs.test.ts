// --out and --report from real runs: every file written, its structure right, the verdict matching the
// exit code, also when the run is stopped by a signal; bad output paths refused before the test starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { RunResults } from '../../src/results/types.js';
import { runScript, scriptDir, start, wsk } from './harness.js';

const OUT = ['--out', 'json=out/results.json', '--out', 'csv=out/run', '--out', 'junit=out/junit.xml', '--out', 'markdown=out/summary.md', '--report', 'out/report.html'];

function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, 'out', file), 'utf8');
}

function results(dir: string): RunResults {
  return JSON.parse(read(dir, 'results.json')) as RunResults;
}

describe('--out and --report', () => {
  it('write the results, CSV, JUnit, Markdown and the HTML report of a run that passes', async () => {
    const { code, stderr, dir } = await runScript(
      `import { check, sleep } from 'wsk';
       import { Trend } from 'wsk/metrics';
       const think = new Trend('think_time', true);
       export const options = {
         vus: 3, duration: '2500ms', tags: { team: 'voice' },
         thresholds: { iteration_duration: ['p(95)<2000'], checks: ['rate==1'] },
       };
       export default async function () {
         check(__VU, { 'has an id': (v) => v > 0 });
         think.add(50, { name: 'pause' });
         await sleep(0.05);
       }`,
      ['--bucket', '500ms', ...OUT],
      'script.ts',
      { 'out/.keep': '' },
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const run = results(dir);
    expect(run.format).toBe('wsk-results/1');
    expect(run.exitCode).toBe(0);
    expect(run.thresholds.map((t) => [t.key, t.expression, t.ok])).toEqual([
      ['iteration_duration', 'p(95)<2000', true],
      ['checks', 'rate==1', true],
    ]);
    expect(run.checks).toEqual([{ group: '', name: 'has an id', passes: expect.any(Number), fails: 0 }]);
    expect(run.metrics['iterations']!.values['count']).toBeGreaterThan(30);
    expect(run.metrics['think_time']!.histogram?.count).toBe(run.metrics['think_time']!.values['count']);
    // 2.5 s in 500 ms buckets: the VUs gauge and the iterations counter have points over time.
    const { timeSeries } = run;
    expect(timeSeries.bucketMs).toBe(500);
    expect(timeSeries.buckets).toBeGreaterThanOrEqual(5);
    const iterations = timeSeries.series.find((s) => s.metric === 'iterations' && Object.keys(s.tags).length === 0);
    expect(iterations?.type === 'counter' && iterations.sum.filter((v) => v !== null && v > 0).length).toBeGreaterThanOrEqual(4);
    const vus = timeSeries.series.find((s) => s.metric === 'vus' && Object.keys(s.tags).length === 0);
    expect(vus?.type === 'gauge' && vus.value.some((v) => v === 3)).toBe(true);
    // Broken down by a tag the script sets in options.tags, and by name.
    expect(timeSeries.series.some((s) => s.metric === 'iterations' && s.tags['team'] === 'voice')).toBe(true);
    expect(timeSeries.series.some((s) => s.metric === 'think_time' && s.tags['name'] === 'pause')).toBe(true);

    expect(read(dir, 'run_stats.csv').split('\n')[0]).toMatch(/^Name,Type,Count/);
    expect(read(dir, 'run_history.csv').split('\n').length).toBeGreaterThan(10);
    const junit = read(dir, 'junit.xml');
    expect(junit.match(/<testcase /g)).toHaveLength(3); // two thresholds, one check
    expect(junit).not.toContain('<failure');
    expect(read(dir, 'summary.md')).toMatch(/passed/);
    expect(read(dir, 'report.html')).toContain('data-verdict="passed"');
  });

  it('report a failed threshold in every output, and wsk report re-renders the saved results', async () => {
    const { code, dir } = await runScript(
      `import { sleep } from 'wsk';
       export const options = { iterations: 3, thresholds: { iteration_duration: ['max<1'] } };
       export default async function () { await sleep(0.01); }`,
      OUT,
      'script.ts',
      { 'out/.keep': '' },
    );
    expect(code).toBe(99);
    expect(results(dir).thresholds[0]).toMatchObject({ key: 'iteration_duration', ok: false });
    expect(read(dir, 'junit.xml')).toMatch(/<failure message="[^"]*max[^"]*"/);
    expect(read(dir, 'report.html')).toContain('data-verdict="failed"');
    const again = await wsk(['report', 'out/results.json', '-o', 'out/again.html'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(read(dir, 'again.html')).toContain('data-verdict="failed"');
  });

  it('are written when the run is stopped by a signal', async () => {
    const dir = scriptDir({
      'script.ts': `import { sleep } from 'wsk';
        export const options = { vus: 2, duration: '60s' };
        export default async function () { await sleep(0.1); }`,
      'out/.keep': '',
    });
    const running = start(['run', 'script.ts', ...OUT], { cwd: dir });
    await running.waitFor('initialised');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    running.child.kill('SIGINT');
    const { code } = await running.done;
    expect(code).toBe(105);
    const run = results(dir);
    expect(run).toMatchObject({ exitCode: 105, stoppedBy: 'signal' });
    expect(run.metrics['iterations']!.values['count']).toBeGreaterThan(5);
    expect(read(dir, 'report.html')).toContain('data-verdict="failed"');
  });

  describe('per endpoint, against a local HTTP server', () => {
    let server: Server;
    let api = '';
    beforeAll(async () => {
      server = createServer((request, response) => {
        response.statusCode = request.url === '/broken' ? 503 : 200;
        response.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('write _failures.csv and a row per endpoint in _stats.csv and the report', async () => {
      const { code, stderr, dir } = await runScript(
        `import http from 'wsk/http';
         export const options = { iterations: 2 };
         export default async function () {
           await http.get(__ENV.API + '/items', { tags: { name: 'items' } });
           await http.post(__ENV.API + '/broken', 'x');
           await http.post(__ENV.API + '/broken', 'x');
         }`,
        ['-e', `API=${api}`, ...OUT],
        'script.js',
        { 'out/.keep': '' },
      );
      expect(stderr).not.toContain('ERROR');
      expect(code).toBe(0);
      expect(read(dir, 'run_failures.csv')).toBe(`Method,Name,Error,Occurrences\r\nPOST,${api}/broken,error_code 1503,4\r\n`);
      const stats = read(dir, 'run_stats.csv').split('\r\n');
      expect(stats.find((l) => l.startsWith('http_reqs{name:items},'))).toMatch(/^http_reqs\{name:items\},counter,2,[\d.]+,{10}$/);
      expect(stats.find((l) => l.startsWith(`http_reqs{name:${api}/broken},counter,4,`))).toBeDefined();
      expect(stats.find((l) => l.startsWith('http_req_duration{name:items},trend,2,'))).toBeDefined();
      expect(stats.find((l) => l.startsWith(`http_req_failed{name:${api}/broken},rate,4,`))).toMatch(/,4,0,1$/);
      expect(stats.find((l) => l.startsWith('http_req_failed{name:items},rate,2,'))).toMatch(/,0,2,0$/);
      const run = results(dir);
      expect(run.failures).toEqual([{ method: 'POST', name: `${api}/broken`, error: 'error_code 1503', occurrences: 4 }]);
      expect(run.endpoints?.filter((e) => e.metric === 'http_reqs').map((e) => [e.name, e.values['count']])).toEqual([
        [`${api}/broken`, 4],
        ['items', 2],
      ]);
      const report = read(dir, 'report.html');
      expect(report).toContain('<h3 id="endpoints">Per endpoint</h3>');
      expect(report).toContain('<td><code>http_req_duration</code></td><td>items</td>');
    });
  });

  it('the progress display ends with a line of headline metrics', async () => {
    const dir = scriptDir({
      'script.ts': `import { check, sleep } from 'wsk';
        export const options = { vus: 1, duration: '1500ms' };
        export default async function () { check(1, { one: (v) => v === 1 }); await sleep(0.1); }`,
    });
    const { code, stderr } = await wsk(['run', 'script.ts'], { cwd: dir });
    expect(code).toBe(0);
    expect(stderr).toMatch(/^running: checks 100\.00%$/m);
  });

  it('refuse bad outputs before the test starts, with one line', async () => {
    const cases: [string[], RegExp][] = [
      [['--out', 'xml=a.xml'], /--out "xml=a.xml": unknown output .*json/],
      [['--out', 'json=missing/results.json'], /--out json: cannot write "missing\/results.json": directory .* does not exist/],
      [['--report', 'missing/report.html'], /--report: cannot write "missing\/report.html"/],
      [['--bucket', '1ms'], /--bucket: invalid value "1ms"/],
    ];
    for (const [flags, message] of cases) {
      const { code, stderr, dir } = await runScript(`export default function () {}`, flags);
      expect(code).toBe(104);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
      expect(existsSync(path.join(dir, 'missing'))).toBe(false);
    }
  });
});
