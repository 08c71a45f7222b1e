/**
 * A multipart/form-data body (RFC 7578) as Go's mime/multipart writes it for k6: each part opens
 * with `--boundary`, a field carries only its Content-Disposition, a file also its filename and
 * Content-Type; quotes and backslashes in names are escaped with a backslash, as Go does.
 */
import type { MultipartPart } from '../messages.js';

export function multipartBody(boundary: string, parts: readonly MultipartPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const [i, part] of parts.entries()) {
    let head = `${i === 0 ? '' : '\r\n'}--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuotes(part.name)}"`;
    if (part.filename !== null) head += `; filename="${escapeQuotes(part.filename)}"`;
    if (part.contentType !== null) head += `\r\nContent-Type: ${part.contentType}`;
    chunks.push(Buffer.from(head + '\r\n\r\n', 'utf8'));
    chunks.push(typeof part.data === 'string' ? Buffer.from(part.data, 'utf8') : Buffer.from(part.data));
  }
  chunks.push(Buffer.from(`${parts.length === 0 ? '' : '\r\n'}--${boundary}--\r\n`, 'utf8'));
  return Buffer.concat(chunks);
}

function escapeQuotes(text: string): string {
  return text.replace(/[\\"]/g, (c) => '\\' + c);
}
