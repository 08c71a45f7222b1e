// Timers, init code that awaits, and assignments to undeclared variables, through `wsk run`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from './harness.js';

interface Export {
  metrics: Record<string, { values: Record<string, number> }>;
}

/** The values of each metric in out.json (--summary-export). */
function exported(dir: string): Record<string, Record<string, number> | undefined> {
  const { metrics } = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as Export;
  return Object.fromEntries(Object.entries(metrics).map(([name, metric]) => [name, metric.values]));
}

describe('timers', () => {
  it('keep the iteration going until they are over: k6 scripts with setTimeout, setInterval and k6/timers', async () => {
    const { code, stderr, dir } = await runScript(
      `import { check } from 'k6';
       import { setInterval as every, clearInterval as stop } from 'k6/timers';
       export const options = { vus: 2, iterations: 4 };
       export default function () {
         let ticks = 0;
         const id = every(() => {
           ticks++;
           if (ticks === 3) {
             stop(id);
             check(ticks, { 'three ticks': (n) => n === 3 });
           }
         }, 20);
         setTimeout((word) => check(word, { 'argument passed': (w) => w === 'late' }), 150, 'late');
       }`,
      ['--summary-export', 'out.json'],
      'script.js',
    );
    expect(stderr).not.toMatch(/ERROR/);
    expect(code).toBe(0);
    const metrics = exported(dir);
    expect(metrics['checks']).toMatchObject({ passes: 8, fails: 0 });
    expect(metrics['iterations']?.['count']).toBe(4);
    // Every iteration waited for its 150 ms timer (a loaded machine only makes it longer).
    expect(metrics['iteration_duration']?.['min']).toBeGreaterThanOrEqual(149);
  });

  it('fail the iteration when a callback throws, and stop with a warning when the iteration is interrupted', async () => {
    const { code, stderr } = await runScript(
      `export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '600ms', gracefulStop: '100ms' } } };
       export default function () {
         if (__ITER === 0) setTimeout(() => { throw new Error('timer failed'); }, 10);
         else setInterval(() => {}, 50);
       }`,
      [],
      'script.js',
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] Error: timer failed at script\.js:3:\d+/);
    expect(stderr).toMatch(/WARN \[VU 1\] setInterval \d+ was stopped because the VU iteration was interrupted/);
  });
});

describe('init code', () => {
  it('may await at its top level, timers and all, before the VU runs; its exports are what it made', async () => {
    const { code, stderr, dir } = await runScript(
      `import { sleep } from 'k6';
       import { Counter } from 'k6/metrics';
       const config = await Promise.resolve({ iterations: 3 });
       const waited = await new Promise((resolve) => setTimeout(() => resolve('waited'), 50));
       sleep(0.05);
       const made = new Counter('made_after_await');
       export const options = { iterations: config.iterations };
       export default function () { made.add(1); if (waited !== 'waited') throw new Error(waited); }`,
      ['--summary-export', 'out.json'],
      'script.js',
    );
    expect(stderr).not.toMatch(/ERROR/);
    expect(code).toBe(0);
    const metrics = exported(dir);
    expect(metrics['iterations']?.['count']).toBe(3);
    expect(metrics['made_after_await']?.['count']).toBe(3);
  });

  it('that fails after an await stops the run with exit 107 at its line', async () => {
    const { code, stderr } = await runScript(`await Promise.resolve();\nthrow new Error('late init failure');\nexport default function () {}`, [], 'script.js');
    expect(code).toBe(107);
    expect(stderr).toMatch(/late init failure at script\.js:2:7/);
  });
});

describe('assignment to an undeclared variable', () => {
  const SLOPPY = `
    export const options = { iterations: 1 };
    // Sloppy-mode code made at run time, as a template engine does: its loop variable is a new global.
    const render = new Function('items', 'for (item of items) {} return item;');
    export default function () { console.log('rendered ' + render(['a', 'b'])); }`;

  it('works in sloppy-mode code with --isolation context, where the VU has a global object of its own (as in k6)', async () => {
    const { code, stderr } = await runScript(SLOPPY, ['--isolation', 'context'], 'script.js');
    expect(code).toBe(0);
    expect(stderr).toContain('rendered b');
  });

  it('is an error naming the variable and the way out with compartment isolation', async () => {
    const { stderr } = await runScript(SLOPPY, [], 'script.js');
    expect(stderr).toMatch(/TypeError: cannot create the global variable "item": .*declare it with let, const or var, or run with --isolation context/);
  });

  it('in the script itself is a ReferenceError (strict, as k6 runs modules), or that error at its line', async () => {
    const source = `export const options = { iterations: 1 };\nexport default function () {\n  total = 5;\n}`;
    const context = await runScript(source, ['--isolation', 'context'], 'script.js');
    expect(context.stderr).toMatch(/ReferenceError: total is not defined at script\.js:3:3/);
    const compartment = await runScript(source, [], 'script.js');
    expect(compartment.stderr).toMatch(/TypeError: cannot create the global variable "total": .* at script\.js:3:3/);
  });
});
