/** constant-vus: a fixed number of VUs loop iterations for a duration. */
import type { Executor } from '../types.js';
import { ScenarioRun, scenarioFor } from './scenario-run.js';

export const constantVus: Executor = {
  async run(context) {
    const scenario = scenarioFor(context, 'constant-vus');
    const run = new ScenarioRun(context, scenario.durationMs);
    try {
      await Promise.all(context.vus.slice(0, scenario.vus).map((vu) => run.loopUpTo(vu, Infinity)));
    } finally {
      run.finish();
    }
  },
};
