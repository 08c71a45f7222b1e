import { describe, expect, it } from 'vitest';
import { heldBytes, heldCount, holdBytes, holdFilled, releaseBytes, spaceFor } from '../../../src/net/held-bytes.js';

/** `length` bytes counting up from `seed`. */
function counting(length: number, seed = 0): ArrayBuffer {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i) & 0xff;
  return bytes.buffer;
}

function flip(buffer: ArrayBuffer, at: number): void {
  const bytes = new Uint8Array(buffer);
  bytes[at] = 0xff - (bytes[at] ?? 0);
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
    flip(changed, 50_000);
    const third = base.slice(0);
    flip(third, 1_650_000);

    const [a, b, c, bAgain, aAgain] = [holdBytes(base), holdBytes(changed), holdBytes(third), holdBytes(changed.slice(0)), holdBytes(base.slice(0))];
    expect(new Set([a, b, c]).size).toBe(3);
    expect(bAgain).toBe(b);
    expect(aAgain).toBe(a);
    for (const [key, source] of [[a, base], [b, changed], [c, third]] as const) {
      expect(Buffer.from(heldBytes(key)!).equals(Buffer.from(source))).toBe(true);
    }

    // Letting go of one content keeps the others findable under their shared fingerprint.
    releaseBytes(b);
    releaseBytes(bAgain);
    expect(heldBytes(b)).toBeUndefined();
    expect(holdBytes(third.slice(0))).toBe(c);
    expect(holdBytes(base.slice(0))).toBe(a);
    for (const key of [a, a, a, c, c]) releaseBytes(key);
    expect(heldBytes(a)).toBeUndefined();
    expect(heldBytes(c)).toBeUndefined();
  });

  it('tells apart contents of different lengths and short contents hashed whole', () => {
    const short = holdBytes(counting(5_000));
    expect(holdBytes(counting(5_001))).not.toBe(short);
    expect(holdBytes(counting(5_000, 1))).not.toBe(short);
    expect(holdBytes(counting(5_000))).toBe(short);
  });
});

describe('handing bytes over through shared space', () => {
  it('gives out shared memory, keeps it free while what was written to it is held already, and adopts new content', () => {
    const space = spaceFor(4_000);
    expect(space).toBeInstanceOf(SharedArrayBuffer);
    new Uint8Array(space).set(new Uint8Array(counting(4_000, 7)));
    const first = holdFilled(4_000);
    // New content: the space became the held bytes, and the next hand-over gets fresh memory.
    expect(heldBytes(first)!.buffer).toBe(space);
    const again = spaceFor(4_000);
    expect(again).not.toBe(space);
    new Uint8Array(again).set(new Uint8Array(counting(4_000, 7)));
    expect(holdFilled(4_000)).toBe(first);
    // The same bytes again: the space was not taken, so it is given out once more.
    expect(spaceFor(4_000)).toBe(again);
    expect(() => holdFilled(5_000)).toThrow('no space of 5000 bytes');
    releaseBytes(first);
    releaseBytes(first);
    expect(heldBytes(first)).toBeUndefined();
  });
});
