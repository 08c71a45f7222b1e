// exec.test.abort() from an iteration stops the whole test; teardown() still runs.
import http from 'k6/http';
import exec from 'k6/execution';
import { sleep } from 'k6';

export const options = {
  vus: 2,
  duration: '20s',
  thresholds: { http_reqs: ['count>100000'] },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/status/503`);
  if (res.status === 503 && exec.vu.idInTest === 1 && exec.vu.iterationInScenario === 2) {
    exec.test.abort('the service is down');
  }
  sleep(0.05);
}

export function teardown() {
  console.log('teardown after abort');
}
