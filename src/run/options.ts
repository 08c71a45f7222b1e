/**
 * The options a run works from: the script's `options` export, overridden by CLI flags. As in k6,
 * any of the shortcut flags (--vus, --duration, --iterations, --stage) replaces the script's
 * scenarios with the one scenario the shortcuts describe (options/layers.ts has the rule).
 */
import type { ScriptOptions, Stage } from '../types.js';
import { mergeLayers, optionsOf, overridesLayer, scriptLayer } from '../options/layers.js';

export interface RunOverrides {
  readonly vus?: number | undefined;
  readonly duration?: string | undefined;
  readonly iterations?: number | undefined;
  readonly stages?: readonly Stage[] | undefined;
}

export function mergeOptions(script: ScriptOptions | undefined, overrides: RunOverrides): ScriptOptions {
  return optionsOf(mergeLayers([scriptLayer(script), overridesLayer(overrides)]));
}
