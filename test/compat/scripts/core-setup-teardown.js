// setup() data reaches every iteration and teardown(); the lifecycle functions run once.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const seen = new Counter('data_seen');

export const options = { vus: 2, iterations: 4 };

export function setup() {
  const res = http.post(`${__ENV.BASE_URL}/login`, JSON.stringify({ username: 'ada', password: 'pw' }), {
    headers: { 'Content-Type': 'application/json' },
  });
  return { token: res.json('token'), started: 'yes' };
}

export default function (data) {
  const res = http.get(`${__ENV.BASE_URL}/items`, { headers: { Authorization: `Bearer ${data.token}` } });
  check(res, { 'items for ada': (r) => r.json('user') === 'ada' });
  if (data.started === 'yes') seen.add(1);
}

export function teardown(data) {
  console.log(`teardown sees token of length ${data.token.length}`);
  http.post(`${__ENV.BASE_URL}/logout`, null, { headers: { Authorization: `Bearer ${data.token}` } });
}
