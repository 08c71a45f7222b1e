import { expect, it } from 'vitest';
import { constantVus } from '../../../src/executors/constant-vus.js';
import { executors, getExecutor } from '../../../src/executors/index.js';
import { rampingArrivalRate } from '../../../src/executors/ramping-arrival-rate.js';
import { EXECUTOR_NAMES } from '../../../src/options/scenarios.js';

it('registers one executor per name the options accept', () => {
  expect(Object.keys(executors).sort()).toEqual([...EXECUTOR_NAMES].sort());
  expect(getExecutor('constant-vus')).toBe(constantVus);
  expect(getExecutor('ramping-arrival-rate')).toBe(rampingArrivalRate);
});
