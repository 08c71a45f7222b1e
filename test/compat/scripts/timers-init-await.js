// Top-level await in init code: the configuration comes from a promise settled by a timer.
import http from 'k6/http';
import { check } from 'k6';

const config = await new Promise((resolve) => {
  setTimeout(() => resolve({ iterations: 3, path: '/get' }), 50);
});
const digest = await crypto.subtle.digest('SHA-256', new Uint8Array([1, 2, 3]));

export const options = {
  iterations: config.iterations,
  thresholds: { http_req_failed: ['rate==0'] },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}${config.path}`);
  check(res, { 'status is 200': (r) => r.status === 200 });
  check(digest, { 'digest awaited in init': (d) => d.byteLength === 32 });
}
