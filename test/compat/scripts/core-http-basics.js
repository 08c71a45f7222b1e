// The k6/http calls most scripts make: verbs, JSON, params, tags, batch, expected statuses, redirects.
import http from 'k6/http';
import { check, group } from 'k6';

http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, 404));

export const options = {
  iterations: 2,
  thresholds: {
    'http_reqs{name:item}': ['count==2'],
    'http_req_failed': ['rate==0'],
    'http_reqs{method:PUT}': ['count==2'],
  },
};

const BASE = __ENV.BASE_URL;

export default function () {
  group('verbs', () => {
    const put = http.put(`${BASE}/anything/x`, JSON.stringify({ a: 1 }), { headers: { 'Content-Type': 'application/json' } });
    const del = http.del(`${BASE}/anything/x`);
    const patch = http.patch(`${BASE}/anything/x`, 'p');
    const head = http.request('HEAD', `${BASE}/get`);
    check(put, { 'put echoes json': (r) => r.json().json.a === 1 && r.json('method') === 'PUT' });
    check(del, { 'delete': (r) => r.json('method') === 'DELETE' });
    check(patch, { 'patch body': (r) => r.json('body') === 'p' });
    check(head, { 'head has no body': (r) => r.status === 200 && r.body === '' });
  });

  group('params', () => {
    const res = http.get(`${BASE}/get?id=${__ITER}`, {
      headers: { 'X-Trace': 'abc' },
      tags: { name: 'item' },
    });
    check(res, {
      'custom header sent': (r) => r.json('headers')['x-trace'] === 'abc',
      'timings are numbers': (r) => typeof r.timings.duration === 'number' && r.timings.duration >= 0,
    });
    const missing = http.get(`${BASE}/missing`);
    check(missing, { '404 is expected here': (r) => r.status === 404 });
  });

  group('batch', () => {
    const responses = http.batch([
      ['GET', `${BASE}/get`],
      { method: 'POST', url: `${BASE}/anything/b`, body: 'x=1' },
      `${BASE}/delay/20`,
    ]);
    check(responses, {
      'three answers': (rs) => rs.length === 3,
      'all 200': (rs) => rs.every((r) => r.status === 200),
    });
  });

  group('redirects', () => {
    const res = http.get(`${BASE}/redirect/2`);
    check(res, { 'followed to /get': (r) => r.status === 200 && r.url.endsWith('/get') });
  });
}
