/** The executors, by the name a scenario's `executor` option gives them. */
import type { Executor, ExecutorName } from '../types.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantVus } from './constant-vus.js';
import { perVuIterations } from './per-vu-iterations.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingVus } from './ramping-vus.js';
import { sharedIterations } from './shared-iterations.js';

export const executors = {
  'constant-vus': constantVus,
  'ramping-vus': rampingVus,
  'per-vu-iterations': perVuIterations,
  'shared-iterations': sharedIterations,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
} satisfies Record<ExecutorName, Executor>;

export function getExecutor(name: ExecutorName): Executor {
  return executors[name];
}
