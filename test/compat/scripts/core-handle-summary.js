// handleSummary replaces the printed summary with what it returns: stdout text and files.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 3,
  thresholds: { http_req_duration: ['p(99)<10000'] },
};

export default function () {
  check(http.get(`${__ENV.BASE_URL}/get`), { ok: (r) => r.status === 200 });
}

export function handleSummary(data) {
  const reqs = data.metrics.http_reqs.values.count;
  const passed = data.metrics.checks.values.passes;
  const thresholdOk = data.metrics.http_req_duration.thresholds['p(99)<10000'].ok;
  return {
    stdout: `custom summary: ${reqs} requests, ${passed} checks passed, threshold ok: ${thresholdOk}\n`,
    'out/summary.json': JSON.stringify({ reqs, passed, iterations: data.metrics.iterations.values.count }),
    'out/report.txt': `requests=${reqs}\n`,
  };
}
