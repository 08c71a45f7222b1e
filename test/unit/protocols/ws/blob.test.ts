import { describe, expect, it } from 'vitest';
import { Blob, utf8Decode, utf8Encode } from '../../../../src/protocols/ws/blob.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('UTF-8 of the sandbox', () => {
  it('encodes as TextEncoder does, a lone surrogate as U+FFFD', () => {
    for (const text of ['', 'hello', 'héllo', '€ and 日本', '😀 pair', 'lone \ud800 high', 'lone \udc00 low', 'end \ud83d']) {
      expect([...utf8Encode(text)], JSON.stringify(text)).toEqual([...new TextEncoder().encode(text)]);
    }
  });

  it('decodes as TextDecoder does, each malformed sequence as U+FFFD', () => {
    const cases = [
      bytes(0x68, 0x69),
      bytes(0xc3, 0xa9),
      bytes(0xf0, 0x9f, 0x98, 0x80),
      bytes(0xff, 0x41),
      bytes(0xc3),
      bytes(0xe2, 0x82),
      bytes(0xe2, 0x82, 0x41),
      bytes(0xc0, 0xaf),
      bytes(0xe0, 0x80, 0x80),
      bytes(0xed, 0xa0, 0x80),
      bytes(0xf4, 0x90, 0x80, 0x80),
      bytes(0x80, 0xbf, 0x41),
    ];
    for (const input of cases) expect(utf8Decode(input), [...input].join()).toBe(new TextDecoder().decode(input));
  });

  it('decodes long text in pieces', () => {
    const text = 'ab€😀'.repeat(10_000);
    expect(utf8Decode(utf8Encode(text))).toBe(text);
  });
});

describe('Blob', () => {
  it('joins strings, buffers, views and Blobs, and reads back as bytes and text', async () => {
    const blob = new Blob(['hé', new Uint8Array([0x6c]).buffer, new Uint16Array([0x6f6c]), new Blob(['!'])], { type: 'text/plain' });
    expect(blob.size).toBe(7);
    expect(blob.type).toBe('text/plain');
    expect(await blob.text()).toBe('héllo!');
    expect([...(await blob.bytes())]).toEqual([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0x21]);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(await blob.bytes());
    expect(String(blob)).toBe('[object Blob]');
  });

  it('slices as browsers do, negative positions from the end', async () => {
    const blob = new Blob(['hello world']);
    expect(await blob.slice(6).text()).toBe('world');
    expect(await blob.slice(-5, -1).text()).toBe('worl');
    expect(await blob.slice(4, 2).text()).toBe('');
    expect(blob.slice(0, 5, 'text/x').type).toBe('text/x');
  });

  it('keeps its bytes its own', async () => {
    const source = new Uint8Array([1, 2, 3]);
    const blob = new Blob([source]);
    source[0] = 9;
    (await blob.bytes())[1] = 9;
    expect([...(await blob.bytes())]).toEqual([1, 2, 3]);
  });

  it('names a part it cannot take', () => {
    expect(() => new Blob([42 as unknown as string])).toThrow('new Blob(): part 0 is a number (42); parts are strings, ArrayBuffers, typed arrays, DataViews or Blobs');
    expect(() => new Blob('text' as unknown as string[])).not.toThrow();
    expect(() => new Blob(5 as unknown as string[])).toThrow('new Blob(): parts must be an array, got a number (5)');
  });
});
