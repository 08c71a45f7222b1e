import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runScript, wsk, ROOT } from './harness.js';

/** The summary export of a finished run. */
function exported(dir: string): { metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>; root_group: { checks: { name: string; passes: number; fails: number }[]; groups: { name: string; checks: { name: string; passes: number }[] }[] } } {
  return JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
}

describe('wsk run', () => {
  it('runs a script with setup, iterations, checks and teardown, and passes its thresholds', async () => {
    const { code, stdout, stderr, dir } = await runScript(
      `import { check, sleep } from 'wsk';
       export const options = { vus: 3, iterations: 12, thresholds: { checks: ['rate==1'], iterations: ['count==12'] } };
       export function setup() { return { token: 'abc' }; }
       export default async function (data: { token: string }) {
         check(data, { 'setup data arrived': (d) => d.token === 'abc' });
         await sleep(0.01);
       }
       export function teardown(data: { token: string }) { console.log('teardown saw ' + data.token); }`,
      ['--summary-export', 'summary.json'],
    );
    expect(stderr).toContain('teardown saw abc');
    expect(code).toBe(0);
    expect(stdout).toContain('✓ setup data arrived');
    expect(stdout).toMatch(/iterations\.+: 12\b/);
    const summary = exported(dir);
    expect(summary.metrics['iterations']!.values['count']).toBe(12);
    expect(summary.metrics['checks']!.values['passes']).toBe(12);
    expect(summary.metrics['checks']!.thresholds!['rate==1']!.ok).toBe(true);
  });

  it('exits 99 when a threshold fails, and marks it in the summary', async () => {
    const { code, stdout } = await runScript(
      `import { check } from 'wsk';
       export const options = { iterations: 4, thresholds: { checks: ['rate>0.9'] } };
       export default function () { check(__ITER, { 'even iteration': (i) => i % 2 === 0 }); }`,
    );
    expect(code).toBe(99);
    expect(stdout).toMatch(/^ {4}checks\n {4}✗ 'rate>0\.9' rate=50\.00%$/m);
    expect(stdout).toContain('✗ even iteration');
  });

  it('passes -e variables, __VU, __ITER and exec facts to the script', async () => {
    const { code, stderr } = await runScript(
      `import exec from 'wsk/execution';
       export const options = { vus: 2, iterations: 2 };
       export default function () {
         console.log(\`env=\${__ENV.GREETING} vu=\${__VU} iter=\${__ITER} scenario=\${exec.scenario.name} id=\${exec.vu.idInTest}\`);
       }`,
      ['-e', 'GREETING=hello'],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/INFO \[VU [12]\] env=hello vu=[12] iter=0 scenario=default id=[12]/);
  });

  it('logs an exception inside an iteration with the VU and source line, and carries on', async () => {
    const { code, stderr, dir } = await runScript(
      `import { Counter } from 'wsk/metrics';
       const done = new Counter('done');
       export const options = { vus: 1, iterations: 4 };
       export default function () {
         if (__ITER === 1) {
           throw new Error('boom in iteration');
         }
         done.add(1);
       }`,
      ['--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] Error: boom in iteration at script\.ts:6:\d+/);
    expect(exported(dir).metrics['done']!.values['count']).toBe(3);
  });

  it('stops with exit 107 and the source position when init code throws', async () => {
    const { code, stderr } = await runScript(`const x: number = 1;\nthrow new Error('bad init ' + x);\nexport default function () {}`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/init code failed: Error: bad init 1 at script\.ts:2:\d+/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('stops with exit 107 when setup() throws', async () => {
    const { code, stderr } = await runScript(`export function setup() { throw new Error('no token'); }\nexport default function () {}`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/setup\(\) failed: Error: no token at script\.ts:1:\d+/);
  });

  it('runs handleSummary and writes what it returns', async () => {
    const { code, stdout, dir } = await runScript(
      `export const options = { iterations: 3 };
       export default function () {}
       export function handleSummary(data: { metrics: Record<string, { values: Record<string, number> }> }) {
         return { stdout: 'custom summary: ' + data.metrics.iterations.values.count + '\\n', 'out/summary.txt': 'iterations=' + data.metrics.iterations.values.count };
       }`,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('custom summary: 3');
    expect(stdout).not.toContain('iteration_duration');
    expect(readFileSync(path.join(dir, 'out', 'summary.txt'), 'utf8')).toBe('iterations=3');
  });

  it('reads files with open() in init code, relative to the script', async () => {
    const { code, stderr } = await runScript(
      `const users = JSON.parse(open('./data/users.json')) as string[];
       const bytes = open('./data/users.json', 'b');
       export const options = { iterations: 1 };
       export default function () { console.log('users ' + users.join(',') + ' bytes ' + bytes.byteLength); open('./data/users.json'); }`,
      [],
      'script.ts',
      { 'data/users.json': '["ann","bob"]' },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('users ann,bob bytes 13');
    expect(stderr).toMatch(/open\(\) is only available in init code/);
  });

  it('records custom metrics and groups with their tags', async () => {
    const { code, dir, stdout } = await runScript(
      `import { group, check } from 'wsk';
       import { Counter, Gauge, Rate, Trend } from 'wsk/metrics';
       const c = new Counter('my_counter'); const g = new Gauge('my_gauge'); const r = new Rate('my_rate'); const t = new Trend('my_trend', true);
       export const options = { vus: 1, iterations: 10, thresholds: { 'my_counter{kind:odd}': ['count==10'], 'checks{group:::login}': ['rate==1'] } };
       export default async function () {
         c.add(2, { kind: __ITER % 2 === 0 ? 'even' : 'odd' });
         g.add(7); r.add(__ITER % 2 === 0); t.add(12.5);
         await group('login', () => { check(1, { 'in group': (v) => v === 1 }); });
       }`,
      ['--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    const { metrics, root_group } = exported(dir);
    expect(metrics['my_counter']!.values['count']).toBe(20);
    expect(metrics['my_gauge']!.values['value']).toBe(7);
    expect(metrics['my_trend']!.values['avg']).toBeCloseTo(12.5, 1);
    // Timed on the host's sub-millisecond clock: a group of one check takes microseconds, not "0 ms".
    expect(metrics['group_duration']!.values['max']).toBeGreaterThan(0);
    expect(metrics['group_duration']!.values['max']).toBeLessThan(50);
    expect(root_group.groups.find((g) => g.name === 'login')!.checks[0]!.passes).toBe(10);
    expect(stdout).toMatch(/^ {4}✓ in group$/m);
  });

  it('prints the resolved plan with wsk inspect', async () => {
    const { code, stdout } = await wsk(['inspect', 'scripts-examples/quickstart.ts'], { cwd: ROOT });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { scenarios: { name: string; executor: string; maxVUs: number }[] };
    expect(plan.scenarios).toEqual([expect.objectContaining({ name: 'default', executor: 'ramping-vus', maxVUs: 20, durationMs: 10_000 })]);
  });

  it('prints its version', async () => {
    const { code, stdout } = await wsk(['version']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wsk \d+\.\d+\.\d+/);
  });
});
