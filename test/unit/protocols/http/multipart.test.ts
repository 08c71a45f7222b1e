import { describe, expect, it } from 'vitest';
import { multipartBody } from '../../../../src/protocols/http/client/multipart.js';

describe('multipartBody', () => {
  it("writes fields and files as Go's multipart writer does", () => {
    const body = multipartBody('B0UND', [
      { name: 'field', filename: null, contentType: null, data: 'välue' },
      { name: 'up"load', filename: 'a\\b".txt', contentType: 'text/plain', data: new Uint8Array([104, 105]).buffer },
    ]);
    expect(body.toString('utf8')).toBe(
      '--B0UND\r\nContent-Disposition: form-data; name="field"\r\n\r\nvälue' +
        '\r\n--B0UND\r\nContent-Disposition: form-data; name="up\\"load"; filename="a\\\\b\\".txt"\r\nContent-Type: text/plain\r\n\r\nhi' +
        '\r\n--B0UND--\r\n',
    );
  });

  it('closes an empty form', () => {
    expect(multipartBody('x', []).toString()).toBe('--x--\r\n');
  });

  it('is read back by a standard multipart parser', async () => {
    const body = multipartBody('abc123', [
      { name: 'tag', filename: null, contentType: null, data: 'a' },
      { name: 'tag', filename: null, contentType: null, data: 'b' },
      { name: 'file', filename: 'f.bin', contentType: 'application/octet-stream', data: new Uint8Array([0, 255, 10]).buffer },
    ]);
    const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=abc123' }, body: new Uint8Array(body) }).formData();
    expect(form.getAll('tag')).toEqual(['a', 'b']);
    const file = form.get('file') as File;
    expect(file.name).toBe('f.bin');
    expect([...new Uint8Array(await file.arrayBuffer())]).toEqual([0, 255, 10]);
  });
});
