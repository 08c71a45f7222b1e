import { describe, expect, it } from 'vitest';
import { runScript } from './harness.js';

const ISOLATIONS = ['compartment', 'context'] as const;

describe.each(ISOLATIONS)('isolation %s', (isolation) => {
  it("keeps a VU's module state, globals and builtins invisible to other VUs", async () => {
    const { code, stderr } = await runScript(
      `let mine = 0;
       export const options = { vus: 4, iterations: 40 };
       function tryWrite(what: string, write: () => void) {
         try { write(); console.log(what + ' write allowed'); } catch (error) { console.log(what + ' write refused: ' + (error as Error).message); }
       }
       export default function () {
         mine++;
         if (mine !== __ITER + 1) throw new Error('module state leaked: ' + mine + ' at iteration ' + __ITER);
         const g = globalThis as Record<string, unknown>;
         const proto = Array.prototype as unknown as Record<string, unknown>;
         if (g.sharedByVu !== undefined && g.sharedByVu !== __VU) throw new Error('global leaked from VU ' + g.sharedByVu);
         if (proto.ownerVu !== undefined && proto.ownerVu !== __VU) throw new Error('prototype leaked from VU ' + proto.ownerVu);
         if (__ITER === 0) {
           tryWrite('global', () => { g.sharedByVu = __VU; });
           tryWrite('prototype', () => { proto.ownerVu = __VU; });
         }
       }`,
      ['--isolation', isolation],
    );
    expect(stderr).not.toMatch(/leaked/);
    expect(code).toBe(0);
    if (isolation === 'compartment') {
      expect(stderr).toMatch(/global write refused: cannot create the global variable "sharedByVu": the VUs of a realm share its global object/);
      expect(stderr).toMatch(/prototype write refused/);
      expect(stderr).not.toMatch(/write allowed/);
    } else {
      expect(stderr).toMatch(/global write allowed/);
      expect(stderr).toMatch(/prototype write allowed/);
    }
  });

  it('gives a VU no way to Node APIs', async () => {
    const { code, stderr } = await runScript(
      `export const options = { iterations: 1 };
       declare const process: unknown; declare const require: (id: string) => unknown;
       export default function () {
         console.log('process: ' + typeof process);
         console.log('fetch: ' + typeof (globalThis as Record<string, unknown>).fetch);
         for (const id of ['fs', 'node:child_process', 'http']) {
           try { require(id); console.log(id + ' loaded'); } catch (error) { console.log(id + ' refused'); }
         }
         const F = (function () {}).constructor as FunctionConstructor;
         console.log('via Function: ' + F('return typeof process')());
       }`,
      ['--isolation', isolation],
    );
    expect(code).toBe(0);
    expect(stderr).toContain('process: undefined');
    expect(stderr).toContain('fetch: undefined');
    expect(stderr).toContain('fs refused');
    expect(stderr).toContain('node:child_process refused');
    expect(stderr).toContain('via Function: undefined');
    expect(stderr).not.toMatch(/ loaded/);
  });

  it('stops a runaway VU with its id and source line, and the rest of the test goes on', async () => {
    const { code, stderr, dir } = await runScript(
      `import { sleep } from 'wsk';
       import { Counter } from 'wsk/metrics';
       const finished = new Counter('finished');
       export const options = { vus: 3, duration: '3s' };
       export default async function () {
         await sleep(0.05);
         if (__VU === 2 && __ITER === 1) {
           while (true) {}
         }
         finished.add(1);
       }`,
      ['--isolation', isolation, '--call-timeout', '300ms', '--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 2\] stopped: the VU's code ran for longer than the sandbox call timeout at script\.ts:8:\d+/);
    const summary = JSON.parse((await import('node:fs')).readFileSync(`${dir}/summary.json`, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
    // Three VUs for 3 s at ~50 ms per iteration: far more than the one lost iteration.
    expect(summary.metrics['finished']!.values['count']).toBeGreaterThan(30);
  });

  it('rebuilds an isolate that ran out of memory and carries on', async () => {
    const { code, stderr, dir } = await runScript(
      `import { sleep } from 'wsk';
       import { Counter } from 'wsk/metrics';
       const finished = new Counter('finished');
       export const options = { vus: 2, duration: '4s' };
       const hoard: unknown[] = [];
       export default async function () {
         await sleep(0.05);
         if (__VU === 1 && __ITER === 2) {
           for (;;) hoard.push(new Array(1e5).fill(__ITER));
         }
         finished.add(1);
       }`,
      ['--isolation', isolation, '--memory-limit', '64', '--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] ran out of memory: its isolate's heap reached the limit of 64 MB .*rebuilt/);
    const summary = JSON.parse((await import('node:fs')).readFileSync(`${dir}/summary.json`, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
    expect(summary.metrics['finished']!.values['count']).toBeGreaterThan(20);
  });
});
