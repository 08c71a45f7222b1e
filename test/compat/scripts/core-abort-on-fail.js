// A threshold with abortOnFail stops the test early and exits 99.
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    steady: { executor: 'constant-vus', vus: 1, duration: '20s' },
  },
  thresholds: {
    http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }],
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/status/500`);
  sleep(0.05);
}
