// exec.test.fail() marks the test failed and lets it run to its end.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';

export const options = { vus: 1, iterations: 3 };

export default function () {
  const code = exec.scenario.iterationInTest === 1 ? 500 : 200;
  const res = http.get(`${__ENV.BASE_URL}/status/${code}`);
  if (!check(res, { 'status 200': (r) => r.status === 200 })) {
    exec.test.fail(`iteration ${exec.scenario.iterationInTest} got ${res.status}`);
  }
}
