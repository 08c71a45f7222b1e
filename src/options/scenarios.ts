/**
 * Options → validated scenarios, with k6's rules and defaults.
 *
 * The execution shortcuts are read first, in k6's order, and win over `scenarios` (the caller merges
 * CLI flags into the options, and a flag such as `--duration` must override a script's scenarios):
 *   iterations (+ vus, duration) → shared-iterations, maxDuration = duration when set
 *   duration (+ vus)             → constant-vus
 *   stages (+ vus)               → ramping-vus, startVUs = vus
 *   scenarios                    → as written
 *   vus alone                    → shared-iterations, `vus` iterations over `vus` VUs
 *   nothing                      → per-vu-iterations, 1 VU, 1 iteration
 * A shortcut scenario is named "default"; `vus` defaults to 1.
 */
import type { ExecutorName, PlannedScenario, ScriptOptions, StageMs } from '../types.js';
import { configError, quote } from '../errors.js';
import { FieldReader, invalidOption, isFields } from './fields.js';
import { hasWeights, readWeighted, shareLoad, weightedWithoutLoad, type SharedLoad } from './weights.js';

/** Which scenarios to run (--scenario, --tags, --exclude-tags); empty lists select everything. */
export interface ScenarioSelection {
  readonly names: readonly string[];
  readonly tags: readonly string[];
  readonly excludeTags: readonly string[];
}

export const ALL_SCENARIOS: ScenarioSelection = { names: [], tags: [], excludeTags: [] };

type Planned<E extends ExecutorName> = Extract<PlannedScenario, { executor: E }>;
type Common = Pick<PlannedScenario, 'name' | 'startTimeMs' | 'gracefulStopMs' | 'exec' | 'env' | 'tags'>;

interface ExecutorSchema<E extends ExecutorName> {
  /** Keys this executor accepts besides the common ones. */
  readonly keys: readonly string[];
  read(fields: FieldReader, common: Common): Planned<E>;
}

const DEFAULT_SCENARIO_NAME = 'default';
const SCENARIO_NAME = /^[A-Za-z0-9_-]+$/;
const COMMON_KEYS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags', 'weight'];
const DEFAULT_GRACEFUL_STOP_MS = 30_000;
const DEFAULT_GRACEFUL_RAMP_DOWN_MS = 30_000;
const DEFAULT_MAX_DURATION_MS = 600_000;
const DEFAULT_TIME_UNIT_MS = 1_000;
const POSITIVE = { positive: true };

const SCHEMAS: { readonly [E in ExecutorName]: ExecutorSchema<E> } = {
  'constant-vus': {
    keys: ['vus', 'duration'],
    read: (f, common) => ({
      ...common,
      executor: 'constant-vus',
      vus: f.integer('vus', 1, 1),
      durationMs: f.duration('duration', undefined, POSITIVE),
    }),
  },
  'ramping-vus': {
    keys: ['startVUs', 'stages', 'gracefulRampDown'],
    read: (f, common) => ({
      ...common,
      executor: 'ramping-vus',
      ...rampOfVus(f, 'startVUs', f.integer('startVUs', 0, 1), f.stages('stages', 'VUs')),
      gracefulRampDownMs: f.duration('gracefulRampDown', DEFAULT_GRACEFUL_RAMP_DOWN_MS),
    }),
  },
  'per-vu-iterations': {
    keys: ['vus', 'iterations', 'maxDuration'],
    read: (f, common) => ({
      ...common,
      executor: 'per-vu-iterations',
      vus: f.integer('vus', 1, 1),
      iterations: f.integer('iterations', 1, 1),
      maxDurationMs: f.duration('maxDuration', DEFAULT_MAX_DURATION_MS, POSITIVE),
    }),
  },
  'shared-iterations': {
    keys: ['vus', 'iterations', 'maxDuration'],
    read: (f, common) => {
      const vus = f.integer('vus', 1, 1);
      return {
        ...common,
        executor: 'shared-iterations',
        vus,
        iterations: iterationsForVus(f, 'iterations', 1, vus, 'vus'),
        maxDurationMs: f.duration('maxDuration', DEFAULT_MAX_DURATION_MS, POSITIVE),
      };
    },
  },
  'constant-arrival-rate': {
    keys: ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
    read: (f, common) => ({
      ...common,
      executor: 'constant-arrival-rate',
      rate: f.integer('rate', 1, undefined, 'a number of iterations per timeUnit'),
      timeUnitMs: f.duration('timeUnit', DEFAULT_TIME_UNIT_MS, POSITIVE),
      durationMs: f.duration('duration', undefined, POSITIVE),
      ...vuPool(f),
    }),
  },
  'ramping-arrival-rate': {
    keys: ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
    read: (f, common) => ({
      ...common,
      executor: 'ramping-arrival-rate',
      startRate: f.integer('startRate', 0, 0),
      timeUnitMs: f.duration('timeUnit', DEFAULT_TIME_UNIT_MS, POSITIVE),
      stages: f.stages('stages', 'iterations per timeUnit'),
      ...vuPool(f),
    }),
  },
};

export const EXECUTOR_NAMES = Object.keys(SCHEMAS) as readonly ExecutorName[];
/** Every key some scenario accepts. */
export const SCENARIO_KEYS: readonly string[] = [...new Set([...COMMON_KEYS, ...Object.values(SCHEMAS).flatMap((schema) => schema.keys)])];

/**
 * Validates the execution options and returns the scenarios to run, in the order they were written,
 * less those the selection leaves out.
 */
export function planScenarios(options: ScriptOptions, selection: ScenarioSelection = ALL_SCENARIOS): PlannedScenario[] {
  const fields = new FieldReader(options, 'options');
  const scenarios = fields.raw('scenarios');
  if (hasWeights(scenarios)) return planWeighted(fields, scenarios as Readonly<Record<string, unknown>>, selection);
  const planned = planAll(fields);
  return select(planned, (scenario) => scenario.name, (scenario) => scenario.tags, selection);
}

function planAll(fields: FieldReader): PlannedScenario[] {
  const vus = fields.has('vus') ? fields.integer('vus', 0) : undefined;
  if (fields.has('iterations')) return [iterationsShortcut(fields, vus)];
  if (fields.has('duration')) return [durationShortcut(fields, vus)];
  if (hasStages(fields)) return [stagesShortcut(fields, vus)];

  const scenarios = fields.raw('scenarios');
  if (scenarios !== undefined) {
    if (!isFields(scenarios)) throw invalidOption('options.scenarios', scenarios, 'use an object of named scenarios');
    const entries = Object.entries(scenarios);
    if (entries.length > 0) return entries.map(([name, config]) => planScenario(name, config));
  }
  if (vus !== undefined) {
    const sharedVus = atLeastOneVu(vus);
    return [{ ...shortcutCommon(), executor: 'shared-iterations', vus: sharedVus, iterations: sharedVus, maxDurationMs: DEFAULT_MAX_DURATION_MS }];
  }
  return [{ ...shortcutCommon(), executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: DEFAULT_MAX_DURATION_MS }];
}

/**
 * Weighted scenarios share the load of the execution shortcuts (vus with duration, iterations or
 * stages); the others run as written. The selection applies first, so the selected scenarios share it.
 */
function planWeighted(fields: FieldReader, scenarios: Readonly<Record<string, unknown>>, selection: ScenarioSelection): PlannedScenario[] {
  const entries = select(
    Object.entries(scenarios).map(([name, config]) => ({ name, fields: scenarioFields(name, config) })),
    (entry) => entry.name,
    (entry) => entry.fields.stringMap('tags'),
    selection,
  );
  const weighted = entries.filter((entry) => entry.fields.has('weight')).map((entry) => readWeighted(entry.name, entry.fields));
  const load = sharedLoad(fields);
  if (weighted.length > 0 && load === undefined) weightedWithoutLoad(weighted.map((scenario) => scenario.name));
  const shared = weighted.length === 0 ? [] : shareLoad(weighted, load!, (scenario) => commonOf(scenario.name, scenario.fields));
  return entries.map((entry) => shared.find((scenario) => scenario.name === entry.name) ?? planScenario(entry.name, scenarios[entry.name]));
}

/** The load the execution shortcuts describe, for weighted scenarios to share; undefined when they describe none. */
function sharedLoad(fields: FieldReader): SharedLoad | undefined {
  const vus = fields.has('vus') ? fields.integer('vus', 0) : undefined;
  if (fields.has('iterations')) {
    return { kind: 'iterations', vus: vus ?? 1, iterations: fields.integer('iterations', 1), maxDurationMs: fields.duration('duration', DEFAULT_MAX_DURATION_MS, POSITIVE) };
  }
  if (fields.has('duration')) return { kind: 'duration', vus: vus ?? 1, durationMs: fields.duration('duration', undefined, POSITIVE) };
  if (hasStages(fields)) return { kind: 'stages', startVUs: vus ?? 0, stages: fields.stages('stages', 'VUs') };
  return undefined;
}

function scenarioFields(name: string, config: unknown): FieldReader {
  if (!SCENARIO_NAME.test(name)) {
    throw configError('INVALID_OPTION', `options.scenarios: invalid scenario name ${quote(name)}; use letters, digits, "_" and "-" only`);
  }
  const path = `options.scenarios.${name}`;
  if (!isFields(config)) throw invalidOption(path, config, 'use an object with an executor and its options');
  return new FieldReader(config, path);
}

function commonOf(name: string, fields: FieldReader): Common {
  return {
    name,
    startTimeMs: fields.duration('startTime', 0),
    gracefulStopMs: fields.duration('gracefulStop', DEFAULT_GRACEFUL_STOP_MS),
    exec: fields.string('exec', 'default'),
    env: fields.stringMap('env'),
    tags: fields.stringMap('tags'),
  };
}

/**
 * The items the selection keeps: those named by --scenario (all when none is), less those without
 * a tag --tags asks for, less those with a tag --exclude-tags names. A tag selector is a tag's name,
 * its value, or name=value. A name that is no scenario, and a selection that keeps nothing, are errors.
 */
export function select<T>(items: readonly T[], nameOf: (item: T) => string, tagsOf: (item: T) => Readonly<Record<string, string>>, selection: ScenarioSelection): T[] {
  const names = items.map(nameOf);
  for (const name of selection.names) {
    if (!names.includes(name)) throw configError('INVALID_CLI', `--scenario ${quote(name)}: no such scenario; the scenarios are ${names.join(', ')}`);
  }
  const tagged = (item: T, selectors: readonly string[]): boolean => selectors.some((selector) => hasTag(tagsOf(item), selector));
  const kept = items.filter(
    (item) =>
      (selection.names.length === 0 || selection.names.includes(nameOf(item))) &&
      (selection.tags.length === 0 || tagged(item, selection.tags)) &&
      !tagged(item, selection.excludeTags),
  );
  if (kept.length === 0) {
    const asked = [
      ...selection.names.map((name) => `--scenario ${name}`),
      ...(selection.tags.length > 0 ? [`--tags ${selection.tags.join(',')}`] : []),
      ...(selection.excludeTags.length > 0 ? [`--exclude-tags ${selection.excludeTags.join(',')}`] : []),
    ].join(' ');
    const tags = items.map((item) => `${nameOf(item)} (${Object.entries(tagsOf(item)).map(([k, v]) => `${k}=${v}`).join(', ') || 'no tags'})`);
    throw configError('INVALID_CLI', `${asked} leaves no scenario to run; the scenarios and their tags: ${tags.join('; ')}`);
  }
  return kept;
}

function hasTag(tags: Readonly<Record<string, string>>, selector: string): boolean {
  const at = selector.indexOf('=');
  if (at > 0) return tags[selector.slice(0, at)] === selector.slice(at + 1);
  return Object.hasOwn(tags, selector) || Object.values(tags).includes(selector);
}

function planScenario(name: string, config: unknown): PlannedScenario {
  const fields = scenarioFields(name, config);
  const executor = fields.raw('executor');
  const allowed = `use one of: ${EXECUTOR_NAMES.join(', ')}`;
  if (executor === undefined) {
    // Most likely `executor` itself is misspelt: say so rather than that it is missing.
    fields.onlyKeys(SCENARIO_KEYS, 'a scenario');
    fields.fail(`missing executor; ${allowed}`);
  }
  if (!isExecutorName(executor)) throw invalidOption(fields.pathOf('executor'), executor, allowed);

  const schema = SCHEMAS[executor];
  fields.onlyKeys([...COMMON_KEYS.filter((key) => key !== 'weight'), ...schema.keys], `executor ${executor}`);
  return schema.read(fields, commonOf(name, fields));
}

function iterationsShortcut(fields: FieldReader, vus: number | undefined): PlannedScenario {
  const sharedVus = atLeastOneVu(vus ?? 1);
  return {
    ...shortcutCommon(),
    executor: 'shared-iterations',
    vus: sharedVus,
    iterations: iterationsForVus(fields, 'iterations', undefined, sharedVus, 'options.vus'),
    maxDurationMs: fields.duration('duration', DEFAULT_MAX_DURATION_MS, POSITIVE),
  };
}

function durationShortcut(fields: FieldReader, vus: number | undefined): PlannedScenario {
  return {
    ...shortcutCommon(),
    executor: 'constant-vus',
    vus: atLeastOneVu(vus ?? 1),
    durationMs: fields.duration('duration', undefined, POSITIVE),
  };
}

function stagesShortcut(fields: FieldReader, vus: number | undefined): PlannedScenario {
  return {
    ...shortcutCommon(),
    executor: 'ramping-vus',
    ...rampOfVus(fields, 'vus', vus ?? 1, fields.stages('stages', 'VUs')),
    gracefulRampDownMs: DEFAULT_GRACEFUL_RAMP_DOWN_MS,
  };
}

/** Whether `options.stages` holds stages; k6 treats an empty array as not set. */
function hasStages(fields: FieldReader): boolean {
  const stages = fields.raw('stages');
  if (stages === undefined) return false;
  if (!Array.isArray(stages)) throw invalidOption('options.stages', stages, 'use an array of { duration, target }');
  return stages.length > 0;
}

function shortcutCommon(): Common {
  return { name: DEFAULT_SCENARIO_NAME, startTimeMs: 0, gracefulStopMs: DEFAULT_GRACEFUL_STOP_MS, exec: 'default', env: {}, tags: {} };
}

function atLeastOneVu(vus: number): number {
  if (vus < 1) throw invalidOption('options.vus', vus, 'use an integer >= 1 with duration, iterations or alone');
  return vus;
}

/** A ramp of VUs; k6 refuses one that never has a VU. */
function rampOfVus(fields: FieldReader, startKey: string, startVUs: number, stages: StageMs[]): { startVUs: number; stages: StageMs[] } {
  if (startVUs === 0 && stages.every((stage) => stage.target === 0)) {
    fields.fail(`${startKey} and every stage target are 0; at least one of them must be above 0`);
  }
  return { startVUs, stages };
}

/** k6 refuses shared iterations fewer than the VUs sharing them. */
function iterationsForVus(fields: FieldReader, key: string, fallback: number | undefined, vus: number, vusName: string): number {
  const iterations = fields.integer(key, 1, fallback);
  if (iterations < vus) {
    throw invalidOption(fields.pathOf(key), iterations, `use at least as many iterations as ${vusName} (${vus})`);
  }
  return iterations;
}

/** preAllocatedVUs (required) and maxVUs (at least preAllocatedVUs, which it defaults to). */
function vuPool(fields: FieldReader): { preAllocatedVUs: number; maxVUs: number } {
  const preAllocatedVUs = fields.integer('preAllocatedVUs', 0, undefined, 'a number of VUs to initialise');
  const maxVUs = fields.integer('maxVUs', 0, preAllocatedVUs);
  if (maxVUs < preAllocatedVUs) {
    throw invalidOption(fields.pathOf('maxVUs'), maxVUs, `use an integer >= preAllocatedVUs (${preAllocatedVUs})`);
  }
  return { preAllocatedVUs, maxVUs };
}

function isExecutorName(value: unknown): value is ExecutorName {
  return typeof value === 'string' && (EXECUTOR_NAMES as readonly string[]).includes(value);
}
