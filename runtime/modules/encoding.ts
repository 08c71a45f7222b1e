/** The `wsk/encoding` module (alias `k6/encoding`): base64 in Go's four forms, computed by the host. */
import type * as Encoding from 'wsk/encoding';
import type { RealmServices } from '../vu.js';
import { bytesOf } from '../bytes.js';

export function createEncodingModule(services: RealmServices): typeof Encoding {
  function b64encode(input: string | ArrayBuffer | ArrayBufferView, encoding: Encoding.Base64Encoding = 'std'): string {
    return services.host('b64encode', textOrBytes(input, 'b64encode()'), encoding) as string;
  }
  function b64decode(input: string, encoding: Encoding.Base64Encoding = 'std', format?: 's'): string | ArrayBuffer {
    return services.host('b64decode', input, encoding, format === 's') as string | ArrayBuffer;
  }
  return { b64encode, b64decode: b64decode as typeof Encoding.b64decode };
}

/** A string, or the exact bytes of a buffer or view, as the host takes them. */
export function textOrBytes(input: unknown, call: string): string | ArrayBuffer {
  if (typeof input === 'string') return input;
  const bytes = bytesOf(input);
  if (bytes === undefined) throw new TypeError(`${call}: expected a string, ArrayBuffer or typed array, got ${input === null ? 'null' : typeof input}`);
  return bytes;
}
