// fail() and exceptions end their iteration only: the next iterations run and the test passes.
import http from 'k6/http';
import { check, fail } from 'k6';
import { Counter } from 'k6/metrics';

const reachedEnd = new Counter('reached_end');

export const options = { iterations: 4 };

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/status/${__ITER % 2 === 0 ? 200 : 500}`);
  if (!check(res, { 'status 200': (r) => r.status === 200 })) {
    fail(`unexpected status ${res.status}`);
  }
  reachedEnd.add(1);
}
