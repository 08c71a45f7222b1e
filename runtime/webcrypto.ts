/**
 * The global `crypto` of Web Crypto that k6 scripts use: getRandomValues, randomUUID and
 * subtle.digest, computed by the host (see src/sandbox/host-functions.ts). Set on the realm's
 * global before lockdown, so every VU shares one frozen object.
 */
import type { RealmServices } from './vu.js';
import { bytesOf } from './bytes.js';

const DIGESTS: Readonly<Record<string, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const MAX_RANDOM_BYTES = 65_536;

export function installWebCrypto(services: RealmServices): void {
  const random = (size: number): Uint8Array => new Uint8Array(services.host('randomBytes', size) as ArrayBuffer);
  const getRandomValues = <T extends ArrayBufferView>(array: T): T => {
    const integers =
      array instanceof Int8Array || array instanceof Uint8Array || array instanceof Uint8ClampedArray || array instanceof Int16Array ||
      array instanceof Uint16Array || array instanceof Int32Array || array instanceof Uint32Array || array instanceof BigInt64Array ||
      array instanceof BigUint64Array;
    if (!integers) throw new TypeError('crypto.getRandomValues(): the argument must be an integer typed array');
    if (array.byteLength > MAX_RANDOM_BYTES) throw new RangeError(`crypto.getRandomValues(): at most ${MAX_RANDOM_BYTES} bytes at a time, asked for ${array.byteLength}`);
    new Uint8Array(array.buffer, array.byteOffset, array.byteLength).set(random(array.byteLength));
    return array;
  };
  const randomUUID = (): string => {
    const bytes = random(16);
    bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8]! & 0x3f) | 0x80; // the RFC 4122 variant
    const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const digest = (algorithm: string | { name: string }, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> => {
    try {
      const name = typeof algorithm === 'string' ? algorithm : algorithm?.name;
      const hash = DIGESTS[String(name).toUpperCase()];
      if (hash === undefined) throw new Error(`crypto.subtle.digest(): unsupported algorithm ${JSON.stringify(name)}; use SHA-1, SHA-256, SHA-384 or SHA-512`);
      const bytes = bytesOf(data);
      if (bytes === undefined) throw new TypeError('crypto.subtle.digest(): the data must be an ArrayBuffer or a typed array');
      return Promise.resolve(services.host('digest', hash, null, [bytes], 'binary') as ArrayBuffer);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  Object.defineProperty(globalThis, 'crypto', {
    value: Object.freeze({ getRandomValues, randomUUID, subtle: Object.freeze({ digest }) }),
    writable: false,
    enumerable: false,
    configurable: false,
  });
}
