/**
 * Settings come in layers, each a partial that records where every value came from; one merge
 * applies k6's precedence, lowest first: defaults, the script's options, the command line. (A
 * config file and environment variables will slot in around the script.)
 *
 * k6's rule for the execution options: a layer that sets how long the test runs (duration,
 * iterations, stages or scenarios) replaces everything lower layers said about it; and, as wsk has
 * always done with --vus, a layer that sets vus but no scenarios drops the lower layers' scenarios.
 */
import type { ScriptOptions } from '../types.js';
import { isFields } from './fields.js';
import { OPTION_FLAGS, RUN_SETTINGS, RUN_SETTING_KEYS, SCRIPT_OPTION_KEYS, checkKnownKeys } from './schema.js';
import type { RunOverrides } from '../run/options.js';
import { invalidOption } from './fields.js';

export interface Sourced {
  readonly value: unknown;
  /** Where the value came from: `default`, `script options`, a flag such as `--vus`. */
  readonly source: string;
}

export type Layer = Readonly<Record<string, Sourced>>;

export const SCRIPT_SOURCE = 'script options';
export const DEFAULT_SOURCE = 'default';

const RUN_LENGTH_KEYS = ['duration', 'iterations', 'stages', 'scenarios'];

/** The run settings' fixed defaults. */
export function defaultsLayer(): Layer {
  const layer: Record<string, Sourced> = {};
  for (const key of RUN_SETTING_KEYS) {
    const setting = RUN_SETTINGS[key];
    if ('default' in setting) layer[key] = { value: setting.default, source: DEFAULT_SOURCE };
  }
  return layer;
}

/** A script's `options` export; a key that is no option is an error naming it and the closest option. */
export function scriptLayer(options: unknown): Layer {
  if (options === undefined || options === null) return {};
  if (!isFields(options)) throw invalidOption('options', options, 'export an object of options, e.g. { vus: 10, duration: "30s" }');
  checkKnownKeys(options, SCRIPT_OPTION_KEYS, SCRIPT_SOURCE);
  return sourced(options, () => SCRIPT_SOURCE);
}

/** The command line's execution shortcuts (--vus, --duration, --iterations, --stage). */
export function overridesLayer(overrides: RunOverrides): Layer {
  const { vus, duration, iterations, stages } = overrides;
  return sourced({ vus, duration, iterations, stages: stages === undefined ? undefined : [...stages] }, (key) => OPTION_FLAGS[key as keyof typeof OPTION_FLAGS]);
}

/** The command line's run settings, from a request whose fields are the run settings' names. */
export function runSettingsLayer(request: { readonly [K in (typeof RUN_SETTING_KEYS)[number]]?: unknown }): Layer {
  const given: Record<string, unknown> = {};
  for (const key of RUN_SETTING_KEYS) given[key] = request[key];
  return sourced(given, (key) => RUN_SETTINGS[key as keyof typeof RUN_SETTINGS].flag);
}

/** Merges layers, lowest precedence first. */
export function mergeLayers(layers: readonly Layer[]): Layer {
  const merged: Record<string, Sourced> = {};
  for (const layer of layers) {
    if (RUN_LENGTH_KEYS.some((key) => key in layer)) {
      for (const key of RUN_LENGTH_KEYS) delete merged[key];
    }
    if ('vus' in layer && !('scenarios' in layer)) delete merged['scenarios'];
    Object.assign(merged, layer);
  }
  return merged;
}

/** The script options of a merged layer. */
export function optionsOf(layer: Layer): ScriptOptions {
  const options: ScriptOptions = {};
  for (const [key, { value }] of Object.entries(layer)) if (SCRIPT_OPTION_KEYS.includes(key)) options[key] = value;
  return options;
}

/** Each setting's source, by key. */
export function sourcesOf(layer: Layer): Record<string, string> {
  return Object.fromEntries(Object.entries(layer).map(([key, { source }]) => [key, source]));
}

/** `fields` without its undefined values, each with its source. */
function sourced(fields: Readonly<Record<string, unknown>>, sourceOf: (key: string) => string): Layer {
  const layer: Record<string, Sourced> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) layer[key] = { value, source: sourceOf(key) };
  return layer;
}
