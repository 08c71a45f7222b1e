import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runScript, scriptDir, start, ROOT } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }> };
const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;

describe('executors against the real clock', () => {
  it('per-vu-iterations and shared-iterations run exact counts, scenarios in parallel with their own exec, env and tags', async () => {
    const { code, dir, stderr } = await runScript(
      `import { Counter } from 'wsk/metrics';
       const calls = new Counter('calls');
       export const options = {
         scenarios: {
           each: { executor: 'per-vu-iterations', vus: 3, iterations: 4, exec: 'each', tags: { flow: 'each' } },
           shared: { executor: 'shared-iterations', vus: 2, iterations: 7, exec: 'shared', env: { WHO: 'shared' }, startTime: '200ms' },
         },
         thresholds: { 'iterations{scenario:each}': ['count==12'], 'iterations{scenario:shared}': ['count==7'], 'calls{flow:each}': ['count==12'] },
       };
       export function each() { calls.add(1); }
       export function shared() { if (__ENV.WHO !== 'shared') throw new Error('scenario env missing'); calls.add(1); }`,
      ['--summary-export', 'summary.json'],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(summaryOf(dir).metrics['iterations']!.values['count']).toBe(19);
  });

  it('constant-arrival-rate starts iterations on schedule however long they take, and counts what it cannot start', async () => {
    const { code, dir } = await runScript(
      `import { sleep } from 'wsk';
       export const options = {
         scenarios: { open: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s', preAllocatedVUs: 4, maxVUs: 4, gracefulStop: '0s' } },
       };
       export default async function () { await sleep(0.5); }`,
      ['--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    // 40 iterations are due in 2 s; 4 VUs busy 0.5 s each can start about 4 per 0.5 s = 16 of them.
    const started = metrics['iterations']!.values['count']! ;
    const dropped = metrics['dropped_iterations']!.values['count']!;
    expect(started).toBeGreaterThanOrEqual(10);
    expect(started).toBeLessThanOrEqual(20);
    expect(started + dropped).toBeGreaterThanOrEqual(36);
    expect(started + dropped).toBeLessThanOrEqual(44);
  });

  it('ramping-vus follows its stages', async () => {
    const { code, dir } = await runScript(
      `import { sleep } from 'wsk';
       export const options = { stages: [{ duration: '1s', target: 6 }, { duration: '1s', target: 6 }, { duration: '500ms', target: 0 }] };
       export default async function () { await sleep(0.1); }`,
      ['--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    expect(metrics['vus']!.values['max']).toBe(6);
    expect(metrics['vus_max']!.values['value']).toBe(6);
    // VUs start as the ramp reaches each whole VU (the k-th at (k-1)/6 s) and leave likewise on the way
    // down: 3.5 + 6 + 1.75 VU-seconds, plus at most one last 100 ms iteration each: at most ~118.
    expect(metrics['iterations']!.values['count']).toBeGreaterThan(50);
    expect(metrics['iterations']!.values['count']).toBeLessThanOrEqual(120);
  });

  it('a k6 script that calls sleep() without await really pauses the VU', async () => {
    const { code, stderr, dir } = await runScript(
      `import { sleep, group, check } from 'k6';
       export const options = { vus: 1, duration: '2s' };
       function rest() { sleep(0.5); }
       export default function () {
         group('visit', function () { check(1, { ok: (v) => v === 1 }); rest(); });
       }`,
      ['--summary-export', 'summary.json'],
      'script.js',
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    // Every iteration pauses 0.5 s: 4 in 2 s (5 if the last one started just before the end).
    expect(metrics['iterations']!.values['count']).toBeGreaterThanOrEqual(3);
    expect(metrics['iterations']!.values['count']).toBeLessThanOrEqual(5);
    expect(metrics['iteration_duration']!.values['min']).toBeGreaterThanOrEqual(490);
  });

  it('warns about a wsk sleep() without await, naming the line', async () => {
    const { code, stderr } = await runScript(`import { sleep } from 'wsk';\nexport const options = { iterations: 1 };\nexport default function () {\n  sleep(1);\n}`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/WARN script\.ts:4:\d+: .*await/);
  });
});

describe('stopping a run', () => {
  it('SIGINT stops gracefully: teardown runs, the summary is printed and the export written, exit 105', async () => {
    const dir = scriptDir({
      'script.ts': `import { sleep } from 'wsk';
        export const options = { vus: 5, duration: '60s' };
        export function setup() { return { ok: true }; }
        export default async function () { await sleep(0.1); }
        export function teardown() { console.log('teardown ran'); }`,
    });
    const running = start(['run', 'script.ts', '--summary-export', 'summary.json'], { cwd: dir });
    await running.waitFor('initialised');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    running.child.kill('SIGINT');
    const { code, stdout, stderr } = await running.done;
    expect(code).toBe(105);
    expect(stderr).toContain('SIGINT received');
    expect(stderr).toContain('teardown ran');
    expect(stdout).toMatch(/iterations\.+: \d+/);
    expect(summaryOf(dir).metrics['iterations']!.values['count']).toBeGreaterThan(10);
  });

  it('abortOnFail stops the test early with exit 99 (as k6) and still reports', async () => {
    const started = Date.now();
    const { code, stderr, stdout } = await runScript(
      `import { check, sleep } from 'wsk';
       export const options = { vus: 2, duration: '60s', thresholds: { checks: [{ threshold: 'rate>0.5', abortOnFail: true }] } };
       export default async function () { check(0, { 'never true': (v) => v === 1 }); await sleep(0.05); }`,
    );
    expect(code).toBe(99);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toMatch(/threshold "rate>0.5" on checks failed \(abortOnFail\)/);
    expect(stdout).toContain('✗ never true');
  });

});

describe('more ways a run ends', () => {
  it('a second SIGINT exits at once, without waiting for teardown', async () => {
    const dir = scriptDir({
      'script.ts': `import { sleep } from 'wsk';
        export const options = { vus: 1, duration: '60s' };
        export default async function () { await sleep(0.1); }
        export async function teardown() { console.log('teardown started'); await sleep(60); }`,
    });
    const running = start(['run', 'script.ts'], { cwd: dir });
    await running.waitFor('initialised');
    running.child.kill('SIGINT');
    await running.waitFor('teardown started');
    const started = Date.now();
    running.child.kill('SIGINT');
    const { code, stderr, stdout } = await running.done;
    expect(code).toBe(105);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toContain('SIGINT again: exiting now');
    expect(stdout).not.toMatch(/iterations\.+:/);
  });

  it('SIGTERM stops gracefully like SIGINT', async () => {
    const dir = scriptDir({
      'script.ts': `import { sleep } from 'wsk';
        export const options = { vus: 2, duration: '60s' };
        export default async function () { await sleep(0.1); }`,
    });
    const running = start(['run', 'script.ts', '--workers', '1'], { cwd: dir });
    await running.waitFor('initialised 2 VUs');
    await new Promise((resolve) => setTimeout(resolve, 800));
    running.child.kill('SIGTERM');
    const { code, stdout, stderr } = await running.done;
    expect(stderr).toContain('on 1 worker');
    expect(code).toBe(105);
    expect(stdout).toMatch(/iterations\.+: \d+/);
  });

  it('fail() ends the iteration with its message, counted, and the VU goes on', async () => {
    const { code, stderr, dir } = await runScript(
      `import { fail } from 'wsk';
       import { Counter } from 'wsk/metrics';
       const after = new Counter('after_fail');
       export const options = { vus: 1, iterations: 3 };
       export default function () {
         if (__ITER === 0) fail('login rejected');
         after.add(1);
       }`,
      ['--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] Error: login rejected at script\.ts:6:\d+/);
    expect(summaryOf(dir).metrics['after_fail']!.values['count']).toBe(2);
    expect(summaryOf(dir).metrics['iterations']!.values['count']).toBe(3);
  });
});
