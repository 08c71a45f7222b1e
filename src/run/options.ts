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
  const shortcuts = overrides.vus !== undefined || overrides.duration !== undefined || overrides.iterations !== undefined || overrides.stages !== undefined;
  if (!shortcuts) return merged;
  delete merged.scenarios;
  if (overrides.vus !== undefined) merged.vus = overrides.vus;
  if (overrides.duration !== undefined) merged.duration = overrides.duration;
  if (overrides.iterations !== undefined) merged.iterations = overrides.iterations;
  if (overrides.stages !== undefined) {
    merged.stages = [...overrides.stages];
    delete merged.duration;
    delete merged.iterations;
  } else if (overrides.duration !== undefined || overrides.iterations !== undefined) {
    delete merged.stages;
  }
  return merged;
}
