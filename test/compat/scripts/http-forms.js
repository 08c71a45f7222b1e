// Form bodies as k6 sends them: a plain object is url-encoded with its fields sorted by name, an
// array becomes the field repeated, null is an empty value; a string body goes as it is.
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
  vus: 2,
  iterations: 4,
  thresholds: { checks: ['rate==1'], http_req_failed: ['rate==0'] },
};

export default function () {
  const base = __ENV.BASE_URL;
  group('url-encoded object', () => {
    const res = http.post(`${base}/anything`, { tag: ['red', 'blue'], name: 'Zoë & co', count: 3, empty: null });
    check(res, {
      'form status 200': (r) => r.status === 200,
      'fields sorted, arrays repeated': (r) => r.json('body') === 'count=3&empty=&name=Zo%C3%AB+%26+co&tag=red&tag=blue',
      'form content type': (r) => r.json('headers.content-type') === 'application/x-www-form-urlencoded',
      'server reads repeated field': (r) => JSON.stringify(r.json('form.tag')) === '["red","blue"]',
    });
  });
  group('string body with own content type', () => {
    const res = http.put(`${base}/anything`, 'a=1&a=2', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    check(res, { 'string body unchanged': (r) => r.json('body') === 'a=1&a=2' && r.json('form.a').length === 2 });
  });
}
