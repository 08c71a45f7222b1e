// handleSummary changes the summary data before rendering it: a metric left out, one added.
import { Counter } from 'k6/metrics';
import { textSummary } from 'k6/summary';

const signups = new Counter('signups');

export const options = { vus: 1, iterations: 2 };

export default function () {
  signups.add(5);
}

export function handleSummary(data) {
  delete data.metrics.vus;
  data.metrics.signups_goal = { type: 'counter', contains: 'default', values: { count: 100, rate: 0 } };
  return { stdout: `${textSummary(data, { enableColors: false })}\nsignups so far: ${data.metrics.signups.values.count}\n` };
}
