// exec.scenario and exec.vu: names, executors, iteration numbers and progress in two scenarios.
import exec from 'k6/execution';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';

const inTest = new Trend('iteration_in_test');
const progress = new Trend('scenario_progress');
const seen = new Counter('seen');

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 2, iterations: 6, exec: 'shared' },
    each: { executor: 'per-vu-iterations', vus: 2, iterations: 2, exec: 'each', startTime: '200ms' },
  },
  thresholds: {
    'iteration_in_test{scenario:shared}': ['max==5'],
    'iteration_in_test{scenario:each}': ['max==3'],
    'scenario_progress': ['min>=0', 'max<=1'],
  },
};

function record(executor) {
  inTest.add(exec.scenario.iterationInTest);
  progress.add(exec.scenario.progress);
  seen.add(1);
  check(exec.scenario, {
    'executor': (s) => s.executor === executor,
    'same in instance and test': (s) => s.iterationInInstance === s.iterationInTest,
    'started': (s) => s.startTime > 0 && s.startTime <= Date.now(),
  });
  check(exec.vu, {
    'vu in range': (vu) => vu.idInTest >= 1 && vu.idInTest <= 4 && vu.idInInstance === vu.idInTest,
  });
}

export function shared() {
  record('shared-iterations');
}

export function each() {
  record('per-vu-iterations');
  check(exec.vu, { 'own iteration count': (vu) => vu.iterationInScenario < 2 });
}
