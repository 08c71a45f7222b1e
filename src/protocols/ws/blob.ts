/**
 * The Blob of `wsk/websockets` (sandbox side): what a binary message is while a WebSocket's
 * binaryType is 'blob' (k6's default), and what a script may send. Immutable bytes with a MIME type;
 * a realm's one class, shared by its VUs. Sandbox code has no TextEncoder, so UTF-8 is done here.
 */
import type * as Api from './websockets-api.js';
import { viewOf } from '../../../runtime/bytes.js';

type Part = string | ArrayBuffer | ArrayBufferView | Api.Blob;

/** The bytes of a Blob, for send() (a copy: the Blob's own bytes never leave it). */
export let blobBytes: (blob: Blob) => ArrayBuffer;

export class Blob implements Api.Blob {
  readonly type: string;
  readonly #bytes: Uint8Array;

  static {
    blobBytes = (blob) => blob.#bytes.slice().buffer;
  }

  constructor(parts?: Iterable<Part>, options?: { type?: string }) {
    if (parts !== undefined && (parts === null || typeof (parts as Partial<Iterable<Part>>)[Symbol.iterator] !== 'function')) {
      throw new TypeError(`new Blob(): parts must be an array, got ${describe(parts)}`);
    }
    const chunks = [...(parts ?? [])].map((part, index) => bytesOfPart(part, index));
    const bytes = new Uint8Array(chunks.reduce((size, chunk) => size + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.#bytes = bytes;
    this.type = options?.type === undefined ? '' : String(options.type);
  }

  get size(): number {
    return this.#bytes.byteLength;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.#bytes.slice().buffer);
  }

  bytes(): Promise<Uint8Array> {
    return Promise.resolve(this.#bytes.slice());
  }

  text(): Promise<string> {
    return Promise.resolve(utf8Decode(this.#bytes));
  }

  /** Bytes [start, end) as a new Blob; negative positions count from the end, as in browsers. */
  slice(start?: number, end?: number, type?: string): Blob {
    const size = this.#bytes.byteLength;
    const at = (position: number | undefined, otherwise: number): number => {
      if (position === undefined) return otherwise;
      const whole = Math.trunc(Number(position)) || 0;
      return whole < 0 ? Math.max(size + whole, 0) : Math.min(whole, size);
    };
    return new Blob([this.#bytes.subarray(at(start, 0), Math.max(at(start, 0), at(end, size)))], { type: type ?? '' });
  }

  get [Symbol.toStringTag](): string {
    return 'Blob';
  }
}

function bytesOfPart(part: Part, index: number): Uint8Array {
  if (typeof part === 'string') return utf8Encode(part);
  if (part instanceof Blob) return new Uint8Array(blobBytes(part));
  const view = viewOf(part);
  if (view !== undefined) return view;
  throw new TypeError(`new Blob(): part ${index} is ${describe(part)}; parts are strings, ArrayBuffers, typed arrays, DataViews or Blobs`);
}

/** 'a number (42)', 'null', 'an object': how a bad value is named in messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  const type = typeof value;
  if (type === 'number' || type === 'boolean' || type === 'bigint') return `a ${type} (${String(value)})`;
  if (type === 'string') return `a string (${JSON.stringify(value)})`;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** UTF-8 of a string; a lone surrogate becomes U+FFFD, as TextEncoder does. */
export function utf8Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x80) {
      bytes[n++] = code;
    } else if (code < 0x800) {
      bytes[n++] = 0xc0 | (code >> 6);
      bytes[n++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      bytes[n++] = 0xe0 | (code >> 12);
      bytes[n++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[n++] = 0x80 | (code & 0x3f);
    } else {
      bytes[n++] = 0xf0 | (code >> 18);
      bytes[n++] = 0x80 | ((code >> 12) & 0x3f);
      bytes[n++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[n++] = 0x80 | (code & 0x3f);
    }
  }
  return bytes.slice(0, n);
}

/** Text of UTF-8 bytes; each malformed sequence becomes U+FFFD, as TextDecoder does. */
export function utf8Decode(bytes: Uint8Array): string {
  const units: number[] = [];
  let text = '';
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    let code = 0xfffd;
    let length = 1;
    if (lead < 0x80) {
      code = lead;
    } else {
      // The sequence's length, its lead's payload, and the range its second byte must be in (WHATWG).
      const [needed, payload, low, high] =
        lead >= 0xc2 && lead <= 0xdf ? [1, lead & 0x1f, 0x80, 0xbf]
        : lead >= 0xe0 && lead <= 0xef ? [2, lead & 0x0f, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf]
        : lead >= 0xf0 && lead <= 0xf4 ? [3, lead & 0x07, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf]
        : [0, 0, 0, 0];
      let value = payload;
      let valid = needed > 0;
      for (let k = 1; valid && k <= needed; k++) {
        const byte = bytes[i + k];
        const [min, max] = k === 1 ? [low, high] : [0x80, 0xbf];
        if (byte === undefined || byte < min || byte > max) {
          valid = false;
          // A malformed sequence is replaced up to the byte that broke it, which starts the next.
          length = k;
        } else {
          value = (value << 6) | (byte & 0x3f);
        }
      }
      if (valid) {
        code = value;
        length = needed + 1;
      }
    }
    i += length;
    if (code >= 0x10000) units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
    else units.push(code);
    if (units.length >= 8192) text += String.fromCharCode(...units.splice(0));
  }
  return text + String.fromCharCode(...units);
}
