// Every frame a client sends is masked. The threads that write frames (the worker, and the stream
// pacer for audio) carry ws bundled in, and ws masks natively only if it finds bufferutil at run
// time from where the bundle is: 1 µs against 8 µs in JavaScript for a 3,200-byte frame.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { threadEntry } from '../../../../src/threads.js';

interface BufferUtil {
  mask(source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number): void;
}

describe('frame masking in the threads that write WebSocket frames', () => {
  for (const name of ['worker', 'pacer-thread'] as const) {
    it(`${name}: the bundle leaves ws's require of bufferutil to run time, where it resolves to the native mask`, () => {
      const entry = threadEntry(name);
      // Bundled in, bufferutil's loader would look for its binary beside the bundle and fail, and ws
      // would fall back to its JavaScript loop without a word.
      expect(readFileSync(entry, 'utf8')).toMatch(/require\("bufferutil"\)/);
      const bufferUtil = createRequire(entry)('bufferutil') as BufferUtil;
      const source = Buffer.from(Array.from({ length: 3200 }, (_, i) => (i * 31) & 0xff));
      const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
      const output = Buffer.alloc(3200 + 6);
      bufferUtil.mask(source, key, output, 6, source.length);
      const expected = Buffer.from(source.map((byte, i) => byte ^ key[i & 3]!));
      expect(output.subarray(6).equals(expected)).toBe(true);
    });
  }
});
