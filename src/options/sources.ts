/**
 * Where a run's settings come from besides the script: an --env-file, a config file (with its
 * profiles), the environment, and the command line. This reads them all into the command line's
 * shape (parsed flags keyed as commander keys them), with each value's source, so one parser checks
 * a value however it was given and names where it came from.
 *
 * Precedence, lowest first: defaults < config file < script options < the chosen profile <
 * environment variables (WSK_*, and k6's K6_* names) < command-line flags. Run settings, which a
 * script cannot give, follow the same order without the script.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { configError, quote } from '../errors.js';
import { findConfigFile, readConfigFile, type ConfigFile } from './config-file.js';
import { ENV_FLAGS, LIST_FLAGS } from './schema.js';
import type { Layer } from './layers.js';

export interface SettingsInput {
  readonly script: string;
  readonly cwd: string;
  /** The parsed command-line flags, as commander gives them. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedSettings {
  /** The flags with config-file and environment values filled in where the command line gave none. */
  readonly flags: Record<string, unknown>;
  /** Where each of those flags' values came from: '--vus', 'WSK_VUS', 'wsk.yaml:4:1'. */
  readonly sources: Readonly<Record<string, string>>;
  /** The config file's options and profiles, for the layers around the script's. */
  readonly config: ConfigLayers | undefined;
  /** The profile to overlay (--profile, WSK_PROFILE), if any. */
  readonly profile: string | undefined;
  /** Variables of the config file's `env` and the --env-file: __ENV below the process environment. */
  readonly baseEnv: Readonly<Record<string, string>>;
}

export interface ConfigLayers {
  readonly name: string;
  readonly options: Layer;
  readonly profiles: Readonly<Record<string, Layer>>;
}

/** The flag each parsed key stands for, for messages ('callTimeout' → '--call-timeout'). */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export function resolveSettings(input: SettingsInput): ResolvedSettings {
  const { flags, cwd } = input;
  const cliEnv = Object.fromEntries(((flags['env'] as string[] | undefined) ?? []).map(parseEnvPair));
  const envFile = readEnvFile(flags['envFile'], cwd);
  // What ${VAR} in the config file may name: the --env-file, the environment, then -e.
  const vars = { ...envFile, ...definedEnv(input.env), ...cliEnv };
  const file = findConfigFile(input.script, cwd, flags['config'] as string | undefined);
  const config = file === undefined ? undefined : readConfigFile(file, cwd, vars);

  const given: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const set = (key: string, value: unknown, source: string): void => {
    given[key] = value;
    sources[key] = source;
  };
  for (const [key, { value, source }] of Object.entries(config?.run ?? {})) set(key, configFlagValue(key, value, source), source);
  const fromEnv = environmentFlags(input.env);
  const profile = (flags['profile'] as string | undefined) ?? fromEnv.values['profile'];
  const profileRun = typeof profile === 'string' ? config?.profiles[profile]?.run : undefined;
  for (const [key, { value, source }] of Object.entries(profileRun ?? {})) set(key, configFlagValue(key, value, source), source);
  for (const [key, value] of Object.entries(fromEnv.values)) set(key, value, fromEnv.sources[key]!);
  for (const [key, value] of Object.entries(flags)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0 && LIST_FLAGS.includes(key))) continue;
    set(key, value, flagName(key));
  }
  return {
    flags: given,
    sources,
    config: config === undefined ? undefined : configLayers(config),
    profile: typeof profile === 'string' ? profile : undefined,
    baseEnv: { ...config?.env, ...envFile },
  };
}

function configLayers(config: ConfigFile): ConfigLayers {
  const profiles: Record<string, Layer> = {};
  for (const [name, profile] of Object.entries(config.profiles)) profiles[name] = profile.options;
  return { name: config.name, options: config.options, profiles };
}

/** A run setting from the config file in the form the flag parser takes: text, or a list of text. */
function configFlagValue(key: string, value: unknown, source: string): unknown {
  if (LIST_FLAGS.includes(key)) {
    const list = Array.isArray(value) ? value : [value];
    return list.map((item) => scalarText(item, key, source));
  }
  if (key === 'dashboard' && value === true) return true;
  return scalarText(value, key, source);
}

function scalarText(value: unknown, key: string, source: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw configError('INVALID_OPTION', `${key} (${source}): invalid value ${quote(value)}; expected what ${flagName(key)} takes`);
}

/** WSK_* and K6_* variables that set a flag; wsk's name wins when both are set. */
function environmentFlags(env: Readonly<Record<string, string | undefined>>): { values: Record<string, unknown>; sources: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const [key, names] of Object.entries(ENV_FLAGS)) {
    const name = names.find((candidate) => env[candidate] !== undefined && env[candidate] !== '');
    if (name === undefined) continue;
    const text = env[name]!;
    values[key] = LIST_FLAGS.includes(key) ? text.split(',').map((item) => item.trim()).filter((item) => item !== '') : text;
    sources[key] = name;
  }
  return { values, sources };
}

/** `--env-file FILE` in dotenv format; a file that cannot be read is an error naming it. */
function readEnvFile(file: unknown, cwd: string): Record<string, string> {
  if (typeof file !== 'string') return {};
  const resolved = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw configError('INVALID_CLI', `--env-file: cannot read ${quote(file)} (resolved to ${resolved}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseDotenv(text);
}

/** `-e KEY=VALUE` → [KEY, VALUE]. */
export function parseEnvPair(text: string): [string, string] {
  const index = text.indexOf('=');
  const key = index > 0 ? text.slice(0, index) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    throw configError('INVALID_CLI', `--env: invalid value ${quote(text)}; expected KEY=VALUE with KEY made of letters, digits and _`);
  }
  return [key, text.slice(index + 1)];
}


/** The variables of `env` that are set. */
export function definedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}
