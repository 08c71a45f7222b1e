import { describe, expect, it } from 'vitest';
import { heldBytes, heldCount, holdBytes, releaseBytes } from '../../../src/net/held-bytes.js';

/** `length` bytes counting up from `seed`. */
function counting(length: number, seed = 0): ArrayBuffer {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i) & 0xff;
  return bytes.buffer;
}

describe('held bytes', () => {
  it('holds equal contents once, in shared memory, until the last holder lets go', () => {
    const before = heldCount();
    const first = holdBytes(counting(100_000));
    const second = holdBytes(counting(100_000));
    expect(second).toBe(first);
    expect(heldCount()).toBe(before + 1);
    expect(heldBytes(first)!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(heldBytes(first)!).equals(Buffer.from(counting(100_000)))).toBe(true);

    releaseBytes(first);
    expect(heldBytes(first)).toBeDefined();
    releaseBytes(second);
    expect(heldBytes(first)).toBeUndefined();
    expect(heldCount()).toBe(before);
  });

  it('tells apart long contents that differ only between the bytes it samples', () => {
    const base = counting(3_200_000);
    const changed = base.slice(0);
    // One byte in the middle of a stretch no sample covers (samples are 256 bytes, ~100 KB apart).
    new Uint8Array(changed)[50_000] ^= 0xff;
    const third = base.slice(0);
    new Uint8Array(third)[1_650_000] ^= 0xff;

    const keys = [holdBytes(base), holdBytes(changed), holdBytes(third), holdBytes(changed.slice(0)), holdBytes(base.slice(0))];
    expect(new Set(keys).size).toBe(3);
    expect(keys[3]).toBe(keys[1]);
    expect(keys[4]).toBe(keys[0]);
    for (const [key, source] of [[keys[0], base], [keys[1], changed], [keys[2], third]] as const) {
      expect(Buffer.from(heldBytes(key)!).equals(Buffer.from(source))).toBe(true);
    }

    // Letting go of one content keeps the others findable under their shared fingerprint.
    releaseBytes(keys[1]!);
    releaseBytes(keys[3]!);
    expect(heldBytes(keys[1]!)).toBeUndefined();
    expect(holdBytes(third.slice(0))).toBe(keys[2]);
    expect(holdBytes(base.slice(0))).toBe(keys[0]);
    for (const key of [keys[0], keys[0], keys[0], keys[2], keys[2]]) releaseBytes(key!);
    expect(heldBytes(keys[0]!)).toBeUndefined();
    expect(heldBytes(keys[2]!)).toBeUndefined();
  });

  it('tells apart contents of different lengths and short contents hashed whole', () => {
    const short = holdBytes(counting(5_000));
    expect(holdBytes(counting(5_001))).not.toBe(short);
    expect(holdBytes(counting(5_000, 1))).not.toBe(short);
    expect(holdBytes(counting(5_000))).toBe(short);
  });
});
