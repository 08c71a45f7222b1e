// Thresholds that fail end the test with exit code 99 after it has run to the end.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 5,
  thresholds: {
    http_req_failed: ['rate<0.1'],
    checks: ['rate>0.99'],
    http_req_duration: ['p(95)<5000'],
  },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/status/503`);
  check(res, { 'is ok': (r) => r.status === 200 });
}
