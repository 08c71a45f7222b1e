// handleSummary writes the summary data to a file and keeps the text summary on stdout, with
// k6-summary's textSummary (k6 users import it from jslib.k6.io/k6-summary; wsk ships it as k6/summary).
import http from 'k6/http';
import { check } from 'k6';
import { textSummary } from 'k6/summary';

export const options = {
  vus: 1,
  iterations: 3,
  thresholds: { http_req_failed: ['rate<0.01'] },
};

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/get`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}

export function handleSummary(data) {
  return {
    stdout: textSummary(data, { indent: ' ', enableColors: false }),
    'reports/summary.json': JSON.stringify(data),
  };
}
