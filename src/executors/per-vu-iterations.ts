/** per-vu-iterations: each VU runs the same number of iterations, within maxDuration. */
import type { Executor } from '../types.js';
import { ScenarioRun, scenarioFor } from './scenario-run.js';

export const perVuIterations: Executor = {
  async run(context) {
    const scenario = scenarioFor(context, 'per-vu-iterations');
    const run = new ScenarioRun(context, scenario.maxDurationMs);
    const vus = context.vus.slice(0, scenario.vus);
    let unstarted = vus.length * scenario.iterations;
    try {
      // One handler for the fleet: a closure per VU would stay as long as its loop runs.
      const count = (started: number): void => {
        unstarted -= started;
      };
      await Promise.all(vus.map((vu) => run.loopUpTo(vu, scenario.iterations).then(count)));
      // As k6 does, iterations that maxDuration left unstarted count as dropped.
      run.dropped(unstarted);
    } finally {
      run.finish();
    }
  },
};
