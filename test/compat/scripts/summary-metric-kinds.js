// One custom metric of each kind, with values the summary shows exactly.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const steps = new Counter('steps');
const depth = new Gauge('queue_depth');
const hits = new Rate('cache_hits');
const cost = new Trend('cost_units');
const delay = new Trend('queue_delay', true);

export const options = {
  scenarios: {
    walk: { executor: 'per-vu-iterations', vus: 1, iterations: 4 },
  },
};

export default function () {
  const i = __ITER;
  steps.add(3);
  depth.add(7 - i);
  hits.add(i !== 2);
  cost.add(10 * (i + 1));
  delay.add(250);
}
