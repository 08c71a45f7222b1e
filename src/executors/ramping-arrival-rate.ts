/** ramping-arrival-rate: an iteration rate ramping linearly through stages, started on schedule. */
import type { Executor } from '../types.js';
import { runArrivals } from './arrival-loop.js';
import { arrivalOffsets } from './arrivals.js';
import { scenarioFor } from './scenario-run.js';
import { stagesDurationMs } from './stages.js';

export const rampingArrivalRate: Executor = {
  async run(context) {
    const scenario = scenarioFor(context, 'ramping-arrival-rate');
    const offsets = arrivalOffsets(scenario.startRate, scenario.timeUnitMs, scenario.stages);
    await runArrivals(context, stagesDurationMs(scenario.stages), offsets);
  },
};
