import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { namesTimerGlobals, type ModuleFactory } from '../../../runtime/vu.js';
import { wrapUserCode } from '../../../src/sandbox/code.js';

/** A bundle wrapped as the sandbox wraps it. */
function factoryOf(bundle: string): ModuleFactory {
  return vm.runInThisContext(wrapUserCode(bundle)) as ModuleFactory;
}

describe('namesTimerGlobals', () => {
  it('is true when the code names a timer global, wherever (a package, a string), and false when it names none', () => {
    expect(namesTimerGlobals(factoryOf('function main() { setTimeout(() => {}, 10); }'))).toBe(true);
    expect(namesTimerGlobals(factoryOf('var id = 0;\nfunction stop() { clearInterval(id); }'))).toBe(true);
    expect(namesTimerGlobals(factoryOf('console.log("no setTimeout here");'))).toBe(true);
    // The wrapper's own parameters are those names: they do not count, on its first line or any.
    const oneLine = vm.runInThisContext('(async function (require, setTimeout, clearTimeout) { "use strict"; return 1; })') as ModuleFactory;
    expect(namesTimerGlobals(oneLine)).toBe(false);
    expect(namesTimerGlobals(factoryOf('async function main() { await sleep(1); }'))).toBe(false);
    expect(namesTimerGlobals(factoryOf('const mySetTimeout = 1; const setTimeouts = 2;'))).toBe(false);
  });
});
