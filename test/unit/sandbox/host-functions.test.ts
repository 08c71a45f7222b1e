// The host's side of wsk/crypto and wsk/encoding, against published test vectors (RFC 4231 for
// HMAC-SHA256, RFC 4648 for base64) and Go's four base64 encodings, as k6 names them; and of wsk/summary.
import { describe, expect, it } from 'vitest';
import { callHostFunction, HOST_FUNCTIONS } from '../../../src/sandbox/host-functions.js';

const bytes = (...values: number[]): ArrayBuffer => new Uint8Array(values).buffer;

describe('digest', () => {
  it('hashes in every encoding k6 offers', () => {
    expect(HOST_FUNCTIONS.digest('sha256', null, ['abc'], 'hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(HOST_FUNCTIONS.digest('sha1', null, ['abc'], 'base64')).toBe('qZk+NkcGgWq6PiVxeFDCbJzQ2J0=');
    expect(HOST_FUNCTIONS.digest('sha1', null, ['abc'], 'base64url')).toBe('qZk-NkcGgWq6PiVxeFDCbJzQ2J0=');
    expect(HOST_FUNCTIONS.digest('sha1', null, ['abc'], 'base64rawurl')).toBe('qZk-NkcGgWq6PiVxeFDCbJzQ2J0');
    expect(new Uint8Array(HOST_FUNCTIONS.digest('md5', null, [''], 'binary') as ArrayBuffer)[0]).toBe(0xd4);
  });

  it('takes its input in pieces, text and bytes alike', () => {
    expect(HOST_FUNCTIONS.digest('sha256', null, ['a', bytes(0x62), 'c'], 'hex')).toBe(HOST_FUNCTIONS.digest('sha256', null, ['abc'], 'hex'));
  });

  it('is an HMAC with a key (RFC 4231, test case 2)', () => {
    expect(HOST_FUNCTIONS.digest('sha256', 'Jefe', ['what do ya want for nothing?'], 'hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('refuses an unknown algorithm or encoding, naming what there is', () => {
    expect(() => HOST_FUNCTIONS.digest('sha3', null, ['x'], 'hex')).toThrow(/^unknown hash algorithm "sha3"; use one of .*sha256/);
    expect(() => HOST_FUNCTIONS.digest('sha256', null, ['x'], 'base32')).toThrow('unknown output encoding "base32"; use hex, base64, base64url, base64rawurl or binary');
  });
});

describe('base64', () => {
  it("encodes as Go's std, rawstd, url and rawurl", () => {
    expect(HOST_FUNCTIONS.b64encode('foob', 'std')).toBe('Zm9vYg==');
    expect(HOST_FUNCTIONS.b64encode('foob', 'rawstd')).toBe('Zm9vYg');
    expect(HOST_FUNCTIONS.b64encode(bytes(0xfb, 0xff), 'std')).toBe('+/8=');
    expect(HOST_FUNCTIONS.b64encode(bytes(0xfb, 0xff), 'url')).toBe('-_8=');
    expect(HOST_FUNCTIONS.b64encode(bytes(0xfb, 0xff), 'rawurl')).toBe('-_8');
  });

  it('decodes to text or bytes, and refuses what is not base64 of that kind', () => {
    expect(HOST_FUNCTIONS.b64decode('Zm9vYmFy', 'std', true)).toBe('foobar');
    expect([...new Uint8Array(HOST_FUNCTIONS.b64decode('-_8', 'rawurl', false) as ArrayBuffer)]).toEqual([0xfb, 0xff]);
    expect(() => HOST_FUNCTIONS.b64decode('-_8=', 'std', false)).toThrow('b64decode(): the input is not std base64');
    expect(() => HOST_FUNCTIONS.b64encode('x', 'hex' as never)).toThrow(/unknown base64 encoding "hex"/);
  });
});

describe('textSummary', () => {
  const data = { metrics: { iterations: { type: 'counter', contains: 'default', values: { count: 4, rate: 2 } } }, state: { testRunDurationMs: 2000 } };

  it('renders summary data sent as JSON in the compact layout, with the indent and colours asked for', () => {
    expect(HOST_FUNCTIONS.textSummary(JSON.stringify(data), '', false)).toBe('  █ TOTAL RESULTS\n\n    EXECUTION\n    iterations...: 4 2/s\n');
    expect(HOST_FUNCTIONS.textSummary(JSON.stringify(data), ' ', true)).toContain('   █ \x1b[1mTOTAL RESULTS\x1b[0m');
  });

  it('refuses data it cannot render with a TypeError naming the field', () => {
    expect(() => HOST_FUNCTIONS.textSummary('{"metrics": []}', '', false)).toThrow(new TypeError('textSummary(): data.metrics must be an object of metrics by name, got a list'));
  });
});

describe('callHostFunction', () => {
  it('runs a host function by name, and refuses others', () => {
    expect((callHostFunction('randomBytes', [8]) as ArrayBuffer).byteLength).toBe(8);
    expect(() => callHostFunction('readFile', [])).toThrow('no host function "readFile"');
    expect(() => callHostFunction('randomBytes', [1e9])).toThrow(/randomBytes\(\): size must be a whole number from 0 to 65536/);
  });
});
