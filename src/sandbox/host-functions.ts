/**
 * What the sandbox asks the host to compute for it, synchronously (an isolated-vm callback, about
 * 2 µs a call): hashes, HMACs, random bytes and base64 for `wsk/crypto` and `wsk/encoding`, done by
 * Node's own crypto and Buffer instead of JavaScript copies of them inside every isolate; and the
 * text summary for `wsk/summary`, by the renderer of the printed one; and bytes a stream sends,
 * held once by the host.
 */
import { createHash, createHmac, getHashes, randomBytes } from 'node:crypto';
import { toArrayBuffer } from '../net/bytes.js';
import { holdFilled, spaceFor } from '../net/held-bytes.js';
import { readSummaryData } from '../summary/read.js';
import { summaryText } from '../summary/text.js';

/** k6's names for hash algorithms, and Node's. */
const ALGORITHMS: Readonly<Record<string, string>> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};

type Input = string | ArrayBuffer;
export type Base64Variant = 'std' | 'rawstd' | 'url' | 'rawurl';

export const HOST_FUNCTIONS = {
  /** The digest of `inputs` (in order), keyed when `key` is given (HMAC), in `encoding`: hex, base64, base64url, base64rawurl or binary. */
  digest(algorithm: string, key: Input | null, inputs: Input[], encoding: string): string | ArrayBuffer {
    const name = ALGORITHMS[algorithm];
    if (name === undefined || !getHashes().includes(name)) {
      throw new Error(`unknown hash algorithm ${JSON.stringify(algorithm)}; use one of ${Object.keys(ALGORITHMS).filter((a) => getHashes().includes(ALGORITHMS[a]!)).join(', ')}`);
    }
    const hash = key === null ? createHash(name) : createHmac(name, bytes(key));
    for (const input of inputs) hash.update(bytes(input));
    return encode(hash.digest(), encoding);
  },
  randomBytes(size: number): ArrayBuffer {
    if (!Number.isInteger(size) || size < 0 || size > 65_536) throw new RangeError(`randomBytes(): size must be a whole number from 0 to 65536, got ${String(size)}`);
    return toArrayBuffer(randomBytes(size));
  },
  b64encode(input: Input, variant: Base64Variant): string {
    return base64(bytes(input), variant);
  },
  b64decode(input: string, variant: Base64Variant, asString: boolean): string | ArrayBuffer {
    if (typeof input !== 'string') throw new TypeError(`b64decode(): the input must be a string, got ${typeof input}`);
    checkVariant(variant);
    const alphabet = variant === 'url' || variant === 'rawurl' ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
    if (!alphabet.test(input)) throw new Error(`b64decode(): the input is not ${variant} base64`);
    const decoded = Buffer.from(input, variant === 'url' || variant === 'rawurl' ? 'base64url' : 'base64');
    return asString ? decoded.toString('utf8') : toArrayBuffer(decoded);
  },
  /** Shared memory for the sandbox to copy a stream's bytes into, then hand over with holdBytes (src/net/held-bytes.ts). */
  holdSpace(length: number): SharedArrayBuffer {
    return spaceFor(length);
  },
  /** Keeps the bytes the sandbox copied into holdSpace(length), once per content; returns their key. */
  holdBytes(length: number): number {
    return holdFilled(length);
  },
  /** textSummary(data, { indent, enableColors }): `data` as JSON, in k6 1.x's compact layout. */
  textSummary(json: string, indent: string, enableColors: boolean): string {
    const data = readSummaryData(JSON.parse(json), 'textSummary(): data');
    return summaryText(data, { mode: 'compact', color: enableColors, indent });
  },
} as const;

export type HostFunctionName = keyof typeof HOST_FUNCTIONS;

/** Runs a host function by name, for the sandbox's one callback. */
export function callHostFunction(name: string, args: unknown[]): unknown {
  if (!Object.hasOwn(HOST_FUNCTIONS, name)) throw new Error(`no host function ${JSON.stringify(name)}`);
  return (HOST_FUNCTIONS[name as HostFunctionName] as (...args: unknown[]) => unknown)(...args);
}

function bytes(input: Input): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  throw new TypeError(`expected a string or an ArrayBuffer, got ${typeof input}`);
}

function encode(digest: Buffer, encoding: string): string | ArrayBuffer {
  switch (encoding) {
    case 'hex':
      return digest.toString('hex');
    case 'base64':
      return base64(digest, 'std');
    case 'base64url':
      return base64(digest, 'url');
    case 'base64rawurl':
      return base64(digest, 'rawurl');
    case 'binary':
      return toArrayBuffer(digest);
    default:
      throw new Error(`unknown output encoding ${JSON.stringify(encoding)}; use hex, base64, base64url, base64rawurl or binary`);
  }
}

/** Go's four base64 encodings, as k6 names them: padded or raw (no '='), standard or URL alphabet. */
function base64(data: Buffer, variant: Base64Variant): string {
  checkVariant(variant);
  const url = variant === 'url' || variant === 'rawurl';
  const text = data.toString(url ? 'base64url' : 'base64');
  const raw = variant === 'rawstd' || variant === 'rawurl';
  // Node's base64url has no padding; Go's "url" encoding has it.
  if (raw) return text.replace(/=+$/, '');
  return url ? text + '='.repeat((4 - (text.length % 4)) % 4) : text;
}

function checkVariant(variant: string): void {
  if (!['std', 'rawstd', 'url', 'rawurl'].includes(variant)) throw new Error(`unknown base64 encoding ${JSON.stringify(variant)}; use std, rawstd, url or rawurl`);
}
