/**
 * Bytes a sandbox handed the host to keep (a stream's utterance), held once per content in this
 * thread: 200 VUs streaming the same bytes hold one copy. They live in shared memory, so another
 * thread (the stream pacer) reads them without a copy. Each hold is counted; the bytes go when the
 * last holder lets go.
 */
import { createHash } from 'node:crypto';

interface Held {
  readonly bytes: Uint8Array;
  readonly digest: string;
  holders: number;
}

/** Keys are small numbers, so they cross into the sandbox and back as plain values. */
const byKey = new Map<number, Held>();
const keyByDigest = new Map<string, number>();
let nextKey = 1;

/** Holds a copy of `data` (or counts one more holder of the same bytes) and returns its key. */
export function holdBytes(data: ArrayBuffer): number {
  const view = new Uint8Array(data);
  const digest = createHash('sha1').update(view).digest('base64');
  const known = keyByDigest.get(digest);
  const held = known === undefined ? undefined : byKey.get(known);
  // A digest match is checked byte for byte: two utterances must never be taken for one.
  if (known !== undefined && held !== undefined && Buffer.from(held.bytes.buffer, held.bytes.byteOffset, held.bytes.byteLength).equals(view)) {
    held.holders++;
    return known;
  }
  const bytes = new Uint8Array(new SharedArrayBuffer(view.byteLength));
  bytes.set(view);
  const key = nextKey++;
  byKey.set(key, { bytes, digest, holders: 1 });
  if (known === undefined) keyByDigest.set(digest, key);
  return key;
}

/** The bytes held under `key`; undefined once every holder let go (or for a key never given). */
export function heldBytes(key: number): Uint8Array | undefined {
  return byKey.get(key)?.bytes;
}

/** One holder of `key` is done with it. */
export function releaseBytes(key: number): void {
  const held = byKey.get(key);
  if (held === undefined || --held.holders > 0) return;
  byKey.delete(key);
  if (keyByDigest.get(held.digest) === key) keyByDigest.delete(held.digest);
}

/** How many distinct contents are held now (for tests). */
export function heldCount(): number {
  return byKey.size;
}
