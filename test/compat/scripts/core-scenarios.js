// Two scenarios with their own exec functions, env and tags, one starting after the other.
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const calls = new Counter('calls');

export const options = {
  scenarios: {
    browse: {
      executor: 'shared-iterations',
      exec: 'browse',
      vus: 3,
      iterations: 9,
      maxDuration: '10s',
      tags: { journey: 'browse' },
    },
    buy: {
      executor: 'per-vu-iterations',
      exec: 'buy',
      vus: 2,
      iterations: 3,
      startTime: '100ms',
      env: { ITEM: 'apple' },
      tags: { journey: 'buy' },
    },
  },
  thresholds: {
    'http_reqs{journey:browse}': ['count==9'],
    'http_reqs{journey:buy}': ['count==6'],
    'calls{scenario:buy}': ['count==6'],
  },
};

export function browse() {
  const res = http.get(`${__ENV.BASE_URL}/get`);
  check(res, { 'browsed': (r) => r.status === 200 });
  calls.add(1);
}

export function buy() {
  const res = http.post(`${__ENV.BASE_URL}/anything/buy`, { item: __ENV.ITEM });
  check(res, { 'bought an apple': (r) => r.json('form.item') === 'apple' });
  calls.add(1);
}
