import { describe, expect, it } from 'vitest';
import { ConsoleOutput } from '../../../src/run/console-output.js';
import { memoryIo } from '../../../src/io.js';

const stack = 'Error: boom\n    at exports.default (wsk-script.js:12:5)\n    at iterate (wsk-runtime.js:300:16)';
const mapStack = (text: string): string => text.replace('wsk-script.js:12:5', 'script.ts:11:5');

describe('ConsoleOutput', () => {
  it('prints VU logs with their level and VU id, debug only when verbose', () => {
    const io = memoryIo();
    new ConsoleOutput(io.stderr, mapStack, 'compartment').logs([
      { vu: 3, level: 'log', text: 'hello' },
      { vu: 4, level: 'warn', text: 'careful' },
      { vu: 5, level: 'debug', text: 'hidden' },
    ]);
    expect(io.err()).toBe('INFO [VU 3] hello\nWARN [VU 4] careful\n');
  });

  it('names the VU and the first position in the user script, not the runtime', () => {
    const io = memoryIo();
    const output = new ConsoleOutput(io.stderr, mapStack, 'compartment');
    output.errors([{ vu: 7, kind: 'iteration', error: { message: 'Error: boom', stack } }]);
    expect(io.err()).toBe('ERROR [VU 7] Error: boom at script.ts:11:5\n');
  });

  it('describes a failure as its message and user position, or as interrupted', () => {
    const output = new ConsoleOutput(memoryIo().stderr, mapStack, 'compartment');
    expect(output.failure({ message: 'Error: boom', stack })).toBe('Error: boom at script.ts:11:5');
    expect(output.failure({ message: 'Error: no stack', stack: '' })).toBe('Error: no stack');
    expect(output.failure(null)).toBe('interrupted');
  });

  it('counts errors that differ only in numbers as one repeating error', () => {
    const io = memoryIo();
    const output = new ConsoleOutput(io.stderr, mapStack, 'compartment');
    for (let i = 1; i <= 6; i++) output.errors([{ vu: i, kind: 'iteration', error: { message: `Error: item ${i * 17} of ${i + 100} failed`, stack } }]);
    expect(io.err().match(/failed at script/g)).toHaveLength(3);
    expect(output.suppressed()).toBe(3);
  });

  it('names what threw for an error in a callback, and gives no host position for running out of memory', () => {
    const io = memoryIo();
    const output = new ConsoleOutput(io.stderr, mapStack, 'compartment');
    output.errors([{ vu: 2, kind: 'callback', error: { message: 'Error: boom', stack }, where: "in a socket 'message' handler" }]);
    const hostStack = 'Error: Isolate was disposed\n    at Realm.flush (node:internal/worker:12:3)\n    at processImmediate (node:internal/timers:476:21)';
    output.errors([{ vu: 0, kind: 'memory', error: { message: 'its heap reached the limit', stack: hostStack } }]);
    expect(io.err()).toBe(
      "ERROR [VU 2] Error: boom at script.ts:11:5 (in a socket 'message' handler; the VU goes on)\n" +
        'ERROR [VU ?] ran out of memory: its heap reached the limit; the isolate was rebuilt (init ran again for its VUs) and the test goes on\n',
    );
  });

  it('prints a repeated error three times, then counts it', () => {
    const io = memoryIo();
    const output = new ConsoleOutput(io.stderr, mapStack, 'compartment');
    for (let vu = 1; vu <= 5; vu++) output.errors([{ vu, kind: 'iteration', error: { message: 'Error: boom', stack } }]);
    expect(io.err().match(/Error: boom/g)).toHaveLength(3);
    expect(io.err()).toContain('further occurrences are counted');
    expect(output.suppressed()).toBe(2);
  });

  it('explains a write the frozen realm refused, in compartment isolation only', () => {
    const error = { message: 'TypeError: Cannot add property x, object is not extensible', stack: '' };
    expect(new ConsoleOutput(memoryIo().stderr, mapStack, 'compartment').message(error)).toMatch(/frozen realm.*--isolation context/);
    expect(new ConsoleOutput(memoryIo().stderr, mapStack, 'context').message(error)).toBe(error.message);
  });
});
