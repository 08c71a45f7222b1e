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
