/** shared-iterations: a total number of iterations, each taken by whichever VU is free next, within maxDuration. */
import type { Executor } from '../types.js';
import { ScenarioRun, scenarioFor } from './scenario-run.js';

export const sharedIterations: Executor = {
  async run(context) {
    const scenario = scenarioFor(context, 'shared-iterations');
    const run = new ScenarioRun(context, scenario.maxDurationMs);
    let left = scenario.iterations;
    const take = (): boolean => {
      if (left === 0) return false;
      left--;
      return true;
    };
    try {
      await Promise.all(context.vus.slice(0, scenario.vus).map((vu) => run.loop(vu, take)));
      // As k6 does, iterations that maxDuration left unstarted count as dropped.
      run.dropped(left);
    } finally {
      run.finish();
    }
  },
};
