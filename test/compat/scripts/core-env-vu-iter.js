// __ENV, __VU and __ITER, in init code and in iterations.
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const perVu = new Counter('per_vu');
const greeting = __ENV.GREETING || 'hello';

export const options = {
  scenarios: {
    each: { executor: 'per-vu-iterations', vus: 3, iterations: 2 },
  },
};

export default function () {
  check(__VU, { 'vu numbers start at 1': (v) => v >= 1 && v <= 3 });
  check(__ITER, { 'iterations count from 0': (i) => i === 0 || i === 1 });
  check(greeting, { 'default greeting': (g) => g === 'hello' });
  check(__ENV.BASE_URL, { 'the url is in __ENV': (u) => u.startsWith('http://127.0.0.1:') });
  perVu.add(__VU, { vu: String(__VU) });
}
