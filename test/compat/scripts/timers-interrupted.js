// An interval never cleared keeps its iteration going until the scenario's time is up: the iteration is
// interrupted and its timer dropped, with a warning.
import { Counter } from 'k6/metrics';

const ticks = new Counter('ticks');

export const options = {
  scenarios: {
    endless: { executor: 'constant-vus', vus: 1, duration: '500ms', gracefulStop: '0s' },
  },
};

export default function () {
  setInterval(() => ticks.add(1), 100);
}
