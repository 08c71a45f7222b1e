// Nested groups and checks, some of which fail: the test still passes (no thresholds).
import http from 'k6/http';
import { check, group, sleep } from 'k6';

export const options = {
  vus: 2,
  iterations: 6,
};

const BASE = __ENV.BASE_URL;

export default function () {
  group('public pages', function () {
    const res = http.get(`${BASE}/get`);
    check(res, {
      'status is 200': (r) => r.status === 200,
      'body mentions the url': (r) => r.body.includes('/get'),
    });

    group('missing page', function () {
      const missing = http.get(`${BASE}/nope`);
      check(missing, { 'is 200': (r) => r.status === 200 });
    });
  });

  group('api', () => {
    const res = http.post(`${BASE}/anything/echo`, JSON.stringify({ n: __ITER }), {
      headers: { 'Content-Type': 'application/json' },
    });
    check(res, {
      'echoes the json': (r) => r.json('json.n') === __ITER,
    });
  });
  sleep(0.01);
}
