// setInterval cleared from its own callback after three ticks; a second timer is cleared before it fires.
import { check, group } from 'k6';
import { setInterval, clearInterval, setTimeout, clearTimeout } from 'k6/timers';
import { Counter } from 'k6/metrics';

const ticks = new Counter('ticks');
const neverFired = new Counter('never_fired');

export const options = {
  scenarios: {
    ticking: { executor: 'per-vu-iterations', vus: 1, iterations: 3 },
  },
};

export default function () {
  group('interval', () => {
    let count = 0;
    const id = setInterval(() => {
      count++;
      ticks.add(1);
      if (count === 3) {
        clearInterval(id);
        check(count, { 'stopped after three ticks': (n) => n === 3 });
      }
    }, 30);
  });
  const cancelled = setTimeout(() => neverFired.add(1), 10);
  clearTimeout(cancelled);
  check(typeof cancelled, { 'timer ids are numbers': (t) => t === 'number' });
}
