/**
 * A response body as the script gets it. Like k6, the client never asks for compression itself (no
 * Accept-Encoding unless the script sets one) but decodes whatever encoding the server declares and
 * it knows: gzip, deflate, br. Others (zstd, needing Node 22) are handed over as received.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** Joins the received chunks and undoes a known Content-Encoding; throws what zlib throws. */
export function decodeBody(chunks: readonly Buffer[], length: number, contentEncoding: string | undefined): Buffer {
  const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length);
  if (contentEncoding === undefined || raw.length === 0) return raw;
  switch (contentEncoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(raw);
    case 'deflate':
      return inflateSync(raw);
    case 'br':
      return brotliDecompressSync(raw);
    default:
      return raw;
  }
}
