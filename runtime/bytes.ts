/**
 * Bytes a script hands to wsk, as the exact-size ArrayBuffer that crosses to the host: a view's own
 * slice (a copy, not its whole buffer), an ArrayBuffer as it is (the crossing copies it); undefined
 * for anything else.
 */
export function bytesOf(data: unknown): ArrayBuffer | undefined {
  if (data instanceof ArrayBuffer) return data;
  if (ArrayBuffer.isView(data)) return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return undefined;
}

/** The bytes of an ArrayBuffer or a typed array (or DataView) as a Uint8Array over the same memory, without a copy; undefined for anything else. */
export function viewOf(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
