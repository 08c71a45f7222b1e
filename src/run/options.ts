/**
 * The options a run works from: the script's `options` export, overridden by CLI flags. As in k6,
 * any of the shortcut flags (--vus, --duration, --iterations, --stage) replaces the script's
 * scenarios with the one scenario the shortcuts describe.
 */
import type { ScriptOptions, Stage } from '../types.js';

export interface RunOverrides {
  readonly vus?: number | undefined;
  readonly duration?: string | undefined;
  readonly iterations?: number | undefined;
  readonly stages?: readonly Stage[] | undefined;
}

export function mergeOptions(script: ScriptOptions | undefined, overrides: RunOverrides): ScriptOptions {
  const merged: ScriptOptions = { ...(script ?? {}) };
  const { vus, duration, iterations, stages } = overrides;
  if (vus === undefined && duration === undefined && iterations === undefined && stages === undefined) return merged;
  delete merged.scenarios;
  // A layer that sets how long the test runs replaces all of the lower layer's say on it (k6's rule).
  if (duration !== undefined || iterations !== undefined || stages !== undefined) {
    delete merged.duration;
    delete merged.iterations;
    delete merged.stages;
  }
  if (vus !== undefined) merged.vus = vus;
  if (duration !== undefined) merged.duration = duration;
  if (iterations !== undefined) merged.iterations = iterations;
  if (stages !== undefined) merged.stages = [...stages];
  return merged;
}
