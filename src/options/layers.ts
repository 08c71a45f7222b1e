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
import { hasWeights } from './weights.js';
import { OPTION_FLAGS, PROFILE_OPTION_KEYS, RUN_SETTINGS, RUN_SETTING_KEYS, SCRIPT_OPTION_KEYS, checkKnownKeys } from './schema.js';
import type { RunOverrides } from '../run/options.js';
import { invalidOption } from './fields.js';
import { configError } from '../errors.js';

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

/**
 * The execution shortcuts (--vus, --duration, --iterations, --stage, or the environment's WSK_VUS,
 * ...). `sources` names where each came from, by the flag's parsed key, when not from its flag.
 */
export function overridesLayer(overrides: RunOverrides, sources: Readonly<Record<string, string>> = {}): Layer {
  const { vus, duration, iterations, stages } = overrides;
  return sourced({ vus, duration, iterations, stages: stages === undefined ? undefined : [...stages] }, (key) => sourceOf(OPTION_FLAGS[key as keyof typeof OPTION_FLAGS], sources));
}

/** The run settings (flags, environment, config file), from a request whose fields are the run settings' names. */
export function runSettingsLayer(request: { readonly [K in (typeof RUN_SETTING_KEYS)[number]]?: unknown }, sources: Readonly<Record<string, string>> = {}): Layer {
  const given: Record<string, unknown> = {};
  for (const key of RUN_SETTING_KEYS) given[key] = request[key];
  return sourced(given, (key) => sourceOf(RUN_SETTINGS[key as keyof typeof RUN_SETTINGS].flag, sources));
}

/** A script's options without its profiles (a profile is overlaid when chosen, never merged as an option). */
export function withoutProfiles(layer: Layer): Layer {
  const { profiles: _profiles, ...rest } = layer;
  return rest;
}

/**
 * The profile `name` (none: {}), from the config file's profiles and the script's options.profiles;
 * a profile in both is the config file's with the script's over it. An unknown name is an error
 * listing the profiles there are. `where` names what chose it: --profile or WSK_PROFILE.
 */
export function profileLayer(name: string | undefined, config: { readonly name: string; readonly profiles: Readonly<Record<string, Layer>> } | undefined, script: Layer, where = '--profile'): Layer {
  if (name === undefined) return {};
  const scriptProfiles = script['profiles']?.value;
  if (scriptProfiles !== undefined && !isFields(scriptProfiles)) throw invalidOption('options.profiles', scriptProfiles, 'use an object of named profiles, e.g. { load: { vus: 50, duration: "5m" } }');
  const fromConfig = config?.profiles[name];
  const fromScript = scriptProfiles?.[name];
  if (fromConfig === undefined && fromScript === undefined) {
    const known = [
      ...Object.keys(config?.profiles ?? {}).map((profile) => `${profile} (${config!.name})`),
      ...Object.keys(scriptProfiles ?? {}).map((profile) => `${profile} (script options)`),
    ];
    throw configError(
      'INVALID_OPTION',
      `${where} ${JSON.stringify(name)}: no such profile; ${known.length === 0 ? 'none is defined: add profiles to wsk.yaml or options.profiles to the script' : `the profiles are ${known.join(', ')}`}`,
    );
  }
  let own: Layer = {};
  if (fromScript !== undefined) {
    const path = `script options.profiles.${name}`;
    if (!isFields(fromScript)) throw invalidOption(`options.profiles.${name}`, fromScript, 'use an object of options, e.g. { vus: 50, duration: "5m" }');
    checkKnownKeys(fromScript, PROFILE_OPTION_KEYS, path);
    own = sourced(fromScript, () => path);
  }
  return mergeLayers([fromConfig ?? {}, own]);
}

/** Where the value of `flag` came from: `sources` keys them as the parsed flags are ('--call-timeout' → 'callTimeout'). */
function sourceOf(flag: string, sources: Readonly<Record<string, string>>): string {
  const key = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return sources[key] ?? flag;
}

/**
 * Merges layers, lowest precedence first. Weighted scenarios are kinds of users, not a load: a
 * layer that gives a load (vus, duration, stages) keeps them, and they share it.
 */
export function mergeLayers(layers: readonly Layer[]): Layer {
  const merged: Record<string, Sourced> = {};
  for (const layer of layers) {
    const weighted = !('scenarios' in layer) && hasWeights(merged['scenarios']?.value);
    // Weighted scenarios bring kinds of users, not a load: the load of the layers below stays.
    const bringsUsers = 'scenarios' in layer && hasWeights(layer['scenarios']!.value) && !RUN_LENGTH_KEYS.some((key) => key !== 'scenarios' && key in layer);
    if (RUN_LENGTH_KEYS.some((key) => key in layer) && !bringsUsers) {
      for (const key of RUN_LENGTH_KEYS) if (!(weighted && key === 'scenarios')) delete merged[key];
    }
    if ('vus' in layer && !('scenarios' in layer) && !weighted) delete merged['scenarios'];
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
