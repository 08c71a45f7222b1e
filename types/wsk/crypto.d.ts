/** `wsk/crypto` (alias `k6/crypto`): hashes, HMACs and random bytes, as in k6. */
export {};

export type Algorithm = 'md4' | 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'sha512_224' | 'sha512_256' | 'ripemd160';
/** 'binary' (the default) gives an ArrayBuffer; the others a string. */
export type OutputEncoding = 'hex' | 'base64' | 'base64url' | 'base64rawurl' | 'binary';
type Input = string | ArrayBuffer;

export interface Hasher {
  /** Adds data (a string's UTF-8 bytes, or the bytes given). */
  update(input: Input | ArrayBufferView): void;
  digest(encoding: 'binary'): ArrayBuffer;
  digest(encoding: Exclude<OutputEncoding, 'binary'>): string;
  digest(): ArrayBuffer;
}

export function createHash(algorithm: Algorithm): Hasher;
export function createHMAC(algorithm: Algorithm, secret: Input | ArrayBufferView): Hasher;
export function hmac(algorithm: Algorithm, secret: Input, data: Input, encoding: Exclude<OutputEncoding, 'binary'>): string;
export function hmac(algorithm: Algorithm, secret: Input, data: Input, encoding?: 'binary'): ArrayBuffer;
export function randomBytes(size: number): ArrayBuffer;

interface Digest {
  (input: Input, encoding: Exclude<OutputEncoding, 'binary'>): string;
  (input: Input, encoding?: 'binary'): ArrayBuffer;
}
export const md4: Digest;
export const md5: Digest;
export const sha1: Digest;
export const sha256: Digest;
export const sha384: Digest;
export const sha512: Digest;
export const sha512_224: Digest;
export const sha512_256: Digest;
export const ripemd160: Digest;
