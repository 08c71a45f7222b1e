/** An exact-size copy of a Buffer's bytes, so a script never sees the rest of a pooled buffer. */
export function toArrayBuffer(data: Uint8Array): ArrayBuffer {
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
}
