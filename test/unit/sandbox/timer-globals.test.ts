import { describe, expect, it } from 'vitest';
import { namesTimerGlobals } from '../../../src/sandbox/code.js';

describe('namesTimerGlobals', () => {
  it('is true when the bundle names a timer global, wherever (a package, a string), and false when it names none', () => {
    expect(namesTimerGlobals('function main() { setTimeout(() => {}, 10); }')).toBe(true);
    expect(namesTimerGlobals('var id = 0;\nfunction stop() { clearInterval(id); }')).toBe(true);
    expect(namesTimerGlobals('console.log("no setTimeout here");')).toBe(true);
    expect(namesTimerGlobals('async function main() { await sleep(1); }')).toBe(false);
    expect(namesTimerGlobals('const mySetTimeout = 1; const setTimeouts = 2;')).toBe(false);
  });
});
