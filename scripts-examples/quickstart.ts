// The quickstart: 20 VUs ramp up, hold and ramp down, each checking a value and pausing 100 ms per
// iteration. Thresholds make the run fail (exit 99) if iterations get slow or checks fail.
import { check, sleep } from 'wsk';

export const options = {
  stages: [
    { duration: '5s', target: 20 },
    { duration: '10s', target: 20 },
    { duration: '3s', target: 0 },
  ],
  thresholds: {
    iteration_duration: ['p(95)<500'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  return { startedAt: Date.now() };
}

export default async function (data: { startedAt: number }) {
  check(data, { 'setup data arrived': (d) => d.startedAt > 0 });
  check(1, { 'is one': (v) => v === 1 });
  await sleep(0.1);
}

export function teardown(data: { startedAt: number }) {
  console.log(`test ran for ${Math.round((Date.now() - data.startedAt) / 1000)} s`);
}
