import ivm from 'isolated-vm';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRuntime } from '../../../src/sandbox/isolate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wsk-code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A script with some functions in it, whose completion value says it ran. */
const SOURCE = `(function () {
  const table = {};
  for (let i = 0; i < 50; i++) table['k' + i] = function (x) { return x * i; };
  return table.k7(6);
})()`;

/** Compiles SOURCE in a fresh isolate with `cacheFile`, runs it, and says whether the cache was used. */
function compileAndRun(cacheFile: string | undefined): { cached: boolean; value: unknown } {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  try {
    const { script, cached } = compileRuntime(isolate, SOURCE, cacheFile);
    return { cached, value: script.runSync(isolate.createContextSync()) };
  } finally {
    isolate.dispose();
  }
}

describe("V8's code cache of the runtime", () => {
  it('is made by the first isolate and used by the next, with the same result', () => {
    const file = path.join(dir, 'first', 'runtime.v8');
    expect(compileAndRun(file)).toEqual({ cached: false, value: 42 });
    expect(existsSync(file)).toBe(true);
    expect(compileAndRun(file)).toEqual({ cached: true, value: 42 });
  });

  it('is made again when V8 refuses the one kept', () => {
    const file = path.join(dir, 'refused.v8');
    writeFileSync(file, 'not a code cache');
    expect(compileAndRun(file)).toEqual({ cached: false, value: 42 });
    expect(readFileSync(file, 'utf8')).not.toBe('not a code cache');
    expect(compileAndRun(file)).toEqual({ cached: true, value: 42 });
  });

  it('is left out where it cannot be kept, and without a file', () => {
    const blocked = path.join(dir, 'a-file');
    writeFileSync(blocked, '');
    expect(compileAndRun(path.join(blocked, 'runtime.v8'))).toEqual({ cached: false, value: 42 });
    expect(compileAndRun(undefined)).toEqual({ cached: false, value: 42 });
  });
});
