// exec.vu.tags: a tag a VU sets goes on everything it records from then on, and thresholds select it.
import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const carts = new Counter('carts');

export const options = {
  scenarios: {
    shop: { executor: 'per-vu-iterations', vus: 2, iterations: 2 },
  },
  thresholds: {
    'http_reqs{flow:checkout}': ['count==2'],
    'carts{flow:checkout}': ['count==2'],
    'checks{flow:checkout}': ['rate==1'],
    'iterations{flow:checkout}': ['count==2'],
  },
};

export default function () {
  if (exec.vu.idInTest === 1) exec.vu.tags['flow'] = 'checkout';
  const res = http.get(`${__ENV.BASE_URL}/get`);
  check(res, {
    'status 200': (r) => r.status === 200,
    'tag readable': () => exec.vu.idInTest !== 1 || exec.vu.tags.flow === 'checkout',
  });
  carts.add(1);
  exec.vu.metrics.tags.attempt = exec.vu.iterationInScenario;
  delete exec.vu.tags.attempt;
  try {
    exec.vu.tags.bad = [1, 2];
  } catch (e) {
    console.log(`refused: ${e.name}`);
  }
}
