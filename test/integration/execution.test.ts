import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTarget } from '../../src/serve/index.js';
import type { RunningTarget } from '../../src/serve/types.js';
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

  it("a VU's own loop whose iterations await keeps k6's numbers, its count, its end time and its graceful stop", async () => {
    // Such iterations chain in the realm (each starts the next as it ends): what the host would have done, one crossing sooner.
    const { code, stderr } = await runScript(
      `import exec from 'k6/execution';
       import { sleep } from 'wsk';
       export const options = {
         scenarios: {
           counted: { executor: 'per-vu-iterations', vus: 2, iterations: 5, exec: 'counted' },
           timed: { executor: 'constant-vus', vus: 2, duration: '1s', exec: 'timed' },
           stopped: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s', exec: 'stopped' },
         },
       };
       export async function counted() {
         console.log('counted ' + exec.vu.idInTest + ' ' + __ITER + ' ' + exec.vu.iterationInScenario + ' ' + exec.scenario.iterationInTest);
         await sleep(0.01);
       }
       export async function timed() {
         console.log('timed ' + exec.vu.idInTest + ' at ' + (Date.now() - exec.scenario.startTime));
         await sleep(0.3);
       }
       export async function stopped() {
         console.log('stopped at ' + (Date.now() - exec.scenario.startTime));
         await sleep(0.3);
       }
       export function teardown() {
         console.log('instance ' + exec.instance.iterationsCompleted + ' ' + exec.instance.iterationsInterrupted);
       }`,
    );
    expect(code).toBe(0);
    const counted = [...stderr.matchAll(/counted (\d+) (\d+) (\d+) (\d+)/g)].map((m) => m.slice(1).map(Number));
    expect(counted).toHaveLength(10);
    for (const vu of new Set(counted.map(([vu]) => vu))) {
      // __ITER counts the VU's iterations in the whole test: the timed scenario's VUs may have run some first.
      const own = counted.filter(([id]) => id === vu);
      expect(own.map(([, , inScenario]) => inScenario)).toEqual([0, 1, 2, 3, 4]);
      const iters = own.map(([, iter]) => iter);
      expect(iters).toEqual(Array.from({ length: 5 }, (_, i) => iters[0]! + i));
    }
    expect(counted.map(([, , , inTest]) => inTest).sort((a, b) => a! - b!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const timed = [...stderr.matchAll(/timed (\d+) at (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    // Iterations start at about 0, 300, 600 and 900 ms, and the one running at 1 s ends in the graceful stop; none starts after 1 s.
    expect(timed.length).toBeGreaterThanOrEqual(4);
    expect(timed.length).toBeLessThanOrEqual(8);
    expect(Math.max(...timed.map(([, at]) => at))).toBeLessThan(1000);
    const stopped = [...stderr.matchAll(/stopped at (\d+)/g)].map((m) => Number(m[1]));
    expect(stopped.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...stopped)).toBeLessThan(1000);
    // At 1 s the stopped VU is inside an iteration, which its graceful stop of 0 s interrupts.
    expect(stderr).toContain('instance ' + (10 + timed.length + stopped.length - 1) + ' 1');
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

describe('k6/execution', () => {
  let target: RunningTarget;
  let api = '';
  beforeAll(async () => {
    target = await startTarget('echo');
    api = target.url.replace(/^ws/, 'http').replace(/\/$/, '');
  });
  afterAll(async () => {
    await target.close();
  });

  it('exec.test.abort() in an iteration stops the test at once, runs teardown, writes the summary and exits 108', async () => {
    const started = Date.now();
    const { code, stderr, dir } = await runScript(
      `import exec from 'k6/execution';
       import { sleep } from 'k6';
       import { Counter } from 'k6/metrics';
       const after = new Counter('after_abort');
       export const options = { vus: 2, duration: '60s', thresholds: { iterations: ['count>100000'] } };
       export default function () {
         if (exec.vu.idInTest === 1 && exec.vu.iterationInScenario === 2) {
           try { exec.test.abort('no more tokens'); } catch (e) { console.log('caught: ' + e.message); }
           after.add(1);
         }
         sleep(0.1);
       }
       export function teardown() { console.log('teardown ran'); }`,
      ['--summary-export', 'summary.json'],
      'script.js',
    );
    expect(code).toBe(108);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stderr).toMatch(/ERROR test aborted: no more tokens at script\.js:8:\d+\n/);
    expect(stderr.match(/test aborted/g)).toHaveLength(2); // the ERROR line and what the script caught, nothing else
    expect(stderr).toContain('teardown ran');
    const { metrics } = summaryOf(dir);
    expect(metrics['iterations']!.values['count']).toBeGreaterThanOrEqual(2);
    expect(metrics['iterations']!.values['count']).toBeLessThan(200);
  });

  it('exec.test.abort() in init code exits 108 before the test; in setup() it skips teardown and still writes the summary', async () => {
    const init = await runScript(`import exec from 'k6/execution';\nexec.test.abort('bad config');\nexport default function () {}`, [], 'script.js');
    expect(init.code).toBe(108);
    expect(init.stderr).toMatch(/ERROR test aborted: bad config at script\.js:2:\d+ \(in init code\)\n/);

    const setup = await runScript(
      `import exec from 'k6/execution';
       export function setup() { exec.test.abort(); }
       export default function () {}
       export function teardown() { console.log('teardown ran'); }`,
      ['--summary-export', 'summary.json'],
      'script.js',
    );
    expect(setup.code).toBe(108);
    expect(setup.stderr).toMatch(/ERROR test aborted at script\.js:2:\d+\n/);
    expect(setup.stderr).not.toContain('teardown ran');
    expect(summaryOf(setup.dir).metrics['vus_max']!.values['value']).toBe(1);
  });

  it('exec.test.fail() lets the test run to its end and exits 110, over failed thresholds', async () => {
    const { code, stderr, dir } = await runScript(
      `import exec from 'k6/execution';
       export const options = { vus: 1, iterations: 5, thresholds: { iterations: ['count>100'] } };
       export default function () { if (exec.scenario.iterationInTest === 1) exec.test.fail('bad data'); }`,
      ['--summary-export', 'summary.json'],
      'script.js',
    );
    expect(code).toBe(110);
    expect(stderr).toContain('ERROR [VU 1] test marked as failed: bad data\n');
    expect(stderr).toContain('ERROR test run was marked as failed (exec.test.fail())\n');
    expect(summaryOf(dir).metrics['iterations']!.values['count']).toBe(5);
  });

  it("exec.vu.tags go on the VU's requests, checks, custom metrics and iterations from then on, and thresholds select them", async () => {
    const { code, stderr, dir } = await runScript(
      `import exec from 'k6/execution';
       import http from 'k6/http';
       import { check } from 'k6';
       import { Counter } from 'k6/metrics';
       const seen = new Counter('seen');
       export const options = {
         scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } },
         thresholds: {
           'http_reqs{mytag:x}': ['count==3'],
           'checks{mytag:x}': ['rate==1'],
           'seen{mytag:x}': ['count==3'],
           'iterations{mytag:x}': ['count==3'],
           'http_reqs{flow:call}': ['count==6'],
         },
       };
       export default function () {
         if (exec.vu.idInTest === 1) {
           exec.vu.tags['mytag'] = 'x';
           exec.vu.metrics.metadata['trace'] = 'abc';
         }
         const res = http.get(__ENV.API + '/get', { tags: { flow: 'call' } });
         check(res, { ok: (r) => r.status === 200 });
         seen.add(1);
         if (exec.vu.idInTest === 1 && exec.vu.iterationInScenario === 0) {
           console.log('tags ' + JSON.stringify(exec.vu.tags) + ' same ' + (exec.vu.tags === exec.vu.metrics.tags) + ' meta ' + exec.vu.metrics.metadata.trace);
           exec.vu.tags.n = 7;
           console.log('number ' + typeof exec.vu.tags.n + ' ' + exec.vu.tags.n);
           delete exec.vu.tags.n;
           try { exec.vu.tags.bad = { a: 1 }; } catch (e) { console.log(e.name + ': ' + e.message); }
         }
       }`,
      ['--summary-export', 'summary.json', '-e', `API=${api}`],
      'script.js',
    );
    expect(stderr).not.toMatch(/ERROR|✗/);
    expect(code).toBe(0);
    expect(stderr).toContain('tags {"scenario":"s","group":"","mytag":"x"} same true meta abc');
    expect(stderr).toContain('number string 7');
    expect(stderr).toContain('TypeError: exec.vu.tags: invalid value for tag "bad": only strings, numbers and booleans are allowed, got object');
    const { metrics } = summaryOf(dir);
    expect(metrics['http_reqs{mytag:x}']!.values['count']).toBe(3);
    expect(metrics['http_reqs']!.values['count']).toBe(6);
    expect(metrics['checks{mytag:x}']!.values['passes']).toBe(3);
  });

  it('exec.scenario.iterationInTest is unique across two workers; exec.instance counts the whole run', async () => {
    const { code, stderr } = await runScript(
      `import exec from 'k6/execution';
       import { sleep } from 'k6';
       export const options = { scenarios: { shared: { executor: 'shared-iterations', vus: 4, iterations: 40 } } };
       export default function () {
         console.log('iteration ' + exec.scenario.iterationInTest + ' progress ' + exec.scenario.progress);
         sleep(0.01);
       }
       export function teardown() {
         const i = exec.instance;
         console.log('instance ' + [i.vusInitialized, i.iterationsCompleted, i.iterationsInterrupted, i.vusActive].join(' ') + ' ran ' + (i.currentTestRunDuration > 0));
       }`,
      ['--workers', '2'],
      'script.js',
    );
    expect(code).toBe(0);
    const numbers = [...stderr.matchAll(/iteration (\d+) progress ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const progress = [...stderr.matchAll(/progress ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(Math.min(...progress)).toBe(0);
    expect(Math.max(...progress)).toBeLessThan(1);
    expect(stderr).toContain('instance 4 40 0 0 ran true');
  });

  it('exec.test.options are the consolidated options, frozen; exec.vu and exec.scenario throw where k6 does', async () => {
    const { code, stderr } = await runScript(
      `import exec from 'k6/execution';
       try { exec.vu.idInTest; } catch (e) { console.log('init vu: ' + e.message); }
       try { exec.test.options; } catch (e) { console.log('init options: ' + e.message); }
       export const options = {
         scenarios: { browse: { executor: 'constant-vus', vus: 1, duration: '300ms', exec: 'browse', tags: { flow: 'b' } } },
         thresholds: { iterations: ['count>0'] },
         tags: { team: 'a' },
       };
       export function setup() {
         try { exec.scenario.name; } catch (e) { console.log('setup scenario: ' + e.message); }
         console.log('setup vu ' + exec.vu.idInTest);
       }
       export function browse() {
         if (exec.vu.iterationInScenario > 0) return;
         const o = exec.test.options;
         console.log('options ' + JSON.stringify(o));
         try { o.scenarios.browse.vus = 5; } catch (e) { console.log('frozen: ' + e.name); }
         console.log('scenario ' + exec.scenario.name + ' ' + exec.scenario.executor + ' ' + (Math.abs(exec.scenario.startTime - Date.now()) < 5000));
       }`,
      [],
      'script.js',
    );
    expect(code).toBe(0);
    expect(stderr).toContain('init vu: exec.vu is not available in init code (the top level of the script); read it inside a VU function, setup() or teardown()');
    expect(stderr).toContain('init options: exec.test.options is not available in init code');
    expect(stderr).toContain("setup scenario: exec.scenario.name is only available in a scenario's iterations, not in init code, setup() or teardown()");
    expect(stderr).toContain('setup vu 0');
    expect(stderr).toContain('frozen: TypeError');
    expect(stderr).toContain('scenario browse constant-vus true');
    const options = JSON.parse(/options (\{.*\})\n/.exec(stderr)![1]!) as Record<string, unknown>;
    expect(options).toMatchObject({
      scenarios: { browse: { executor: 'constant-vus', startTime: '0s', gracefulStop: '30s', env: {}, exec: 'browse', tags: { flow: 'b' }, vus: 1, duration: '300ms' } },
      thresholds: { iterations: ['count>0'] },
      tags: { team: 'a' },
      setupTimeout: '1m0s',
    });
    expect(Object.keys(options)).not.toContain('vus');
  });
});

describe('exec on the wsk module', () => {
  it('is each VU’s own, the same object on every read, whether imported by name or read from the module', async () => {
    const { code, stderr } = await runScript(
      `import wsk, { exec } from 'wsk';
       export const options = { scenarios: { each: { executor: 'per-vu-iterations', vus: 2, iterations: 1 } } };
       export default function () {
         console.log('vu ' + exec.vu.idInTest + ' same ' + (wsk.exec === exec && exec === wsk.exec));
       }`,
      [],
      'script.js',
    );
    expect(code).toBe(0);
    expect([...stderr.matchAll(/vu (\d) same (\w+)/g)].map((m) => `${m[1]} ${m[2]}`).sort()).toEqual(['1 true', '2 true']);
  });
});
