/** constant-arrival-rate: `rate` iterations per `timeUnit`, started on schedule whatever their length. */
import type { Executor } from '../types.js';
import { runArrivals } from './arrival-loop.js';
import { constantArrivalOffsets } from './arrivals.js';
import { scenarioFor } from './scenario-run.js';

export const constantArrivalRate: Executor = {
  async run(context) {
    const scenario = scenarioFor(context, 'constant-arrival-rate');
    const offsets = constantArrivalOffsets(scenario.rate, scenario.timeUnitMs, scenario.durationMs);
    await runArrivals(context, scenario.durationMs, offsets);
  },
};
