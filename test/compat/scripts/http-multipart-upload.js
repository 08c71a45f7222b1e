// http.file() in an object body makes it multipart/form-data, with a boundary in the Content-Type;
// strings and ArrayBuffers are file contents, other fields are plain parts.
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 3, thresholds: { checks: ['rate==1'] } };

const csv = 'id,name\n1,apple\n2,banana\n';

export default function () {
  const bytes = new Uint8Array([119, 115, 107]).buffer; // "wsk"
  const res = http.post(`${__ENV.BASE_URL}/anything`, {
    description: 'fruit list',
    list: http.file(csv, 'fruit.csv', 'text/csv'),
    raw: http.file(bytes, 'raw.bin'),
  });
  check(res, {
    'upload accepted': (r) => r.status === 200,
    'multipart content type': (r) => /^multipart\/form-data; boundary=\S+$/.test(r.request.headers['Content-Type']),
    'plain field arrives as form': (r) => r.json('form.description') === 'fruit list',
    'text file arrives whole': (r) => r.json('files.list') === csv,
    'binary file arrives whole': (r) => r.json('files.raw') === 'wsk',
    'filename and type on the part': (r) => r.json('body').includes('filename="fruit.csv"\r\nContent-Type: text/csv'),
  });
  const file = http.file('x');
  check(file, { 'file defaults': (f) => f.content_type === 'application/octet-stream' && f.filename !== '' && f.data === 'x' });
}
