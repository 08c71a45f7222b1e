// exec.test.options (the consolidated options, frozen) and exec.instance in setup, iterations and teardown.
import exec from 'k6/execution';
import { check, sleep } from 'k6';

export const options = {
  scenarios: {
    steady: { executor: 'constant-vus', vus: 2, duration: '1s', tags: { kind: 'steady' } },
  },
  thresholds: { checks: ['rate==1'] },
  tags: { team: 'qa' },
};

export function setup() {
  const o = exec.test.options;
  console.log(`setup sees ${o.scenarios.steady.executor} for ${o.scenarios.steady.duration} with ${exec.instance.vusInitialized} VUs`);
  return { vus: o.scenarios.steady.vus };
}

export default function (data) {
  const o = exec.test.options;
  check(o, {
    'scenario defaults filled in': (opts) => opts.scenarios.steady.gracefulStop === '30s' && opts.scenarios.steady.startTime === '0s',
    'shortcuts gone': (opts) => opts.vus === undefined && opts.duration === undefined,
    'run tags': (opts) => opts.tags.team === 'qa',
    'frozen': (opts) => Object.isFrozen(opts) && Object.isFrozen(opts.scenarios.steady),
  });
  check(exec.instance, {
    'vus active': (i) => i.vusActive === data.vus,
    'duration grows': (i) => i.currentTestRunDuration > 0,
  });
  sleep(0.1);
}

export function teardown() {
  console.log(`teardown counts ${exec.instance.iterationsInterrupted} interrupted and more than one completed: ${exec.instance.iterationsCompleted > 1}`);
}
