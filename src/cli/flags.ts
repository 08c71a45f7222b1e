/**
 * CLI flag values (strings from commander) into typed requests, each bad value a one-line error
 * naming the flag, the value and what is allowed.
 */
import { configError, quote } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { Stage } from '../types.js';
import type { Isolation } from '../sandbox/code.js';
import type { ScriptRequest } from '../run/prepare.js';
import type { RunRequest } from '../run/run.js';
import { parseOutputs } from '../results/outputs.js';
import { DEFAULT_DASHBOARD } from '../live/types.js';
import { flagName, parseEnvPair } from '../options/sources.js';
import { SUMMARY_MODES, type SummaryMode } from '../summary/report.js';

export { parseEnvPair };

export interface CliFlags {
  readonly script: Omit<ScriptRequest, 'script'>;
  readonly run: Omit<RunRequest, keyof ScriptRequest>;
}

/**
 * `colorTerminal`: stdout is a TTY, so colour is on unless --no-color or NO_COLOR says otherwise.
 * `sources` says where each flag's value came from when not from the command line (`WSK_VUS`,
 * `wsk.yaml:4:1`), so a bad value names its place.
 */
export function parseCliFlags(
  flags: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
  colorTerminal = false,
  sources: Readonly<Record<string, string>> = {},
): CliFlags {
  const where = (key: string): string => {
    const flag = flagName(key);
    const source = sources[key];
    if (source === undefined || source === flag) return flag;
    return /^[A-Z][A-Z0-9_]*$/.test(source) ? source : `${key} in ${source}`;
  };
  const stages = (flags['stage'] as string[] | undefined) ?? [];
  const duration = flags['duration'] as string | undefined;
  if (duration !== undefined) parseDuration(duration, where('duration'));
  const color = colorTerminal && flags['color'] !== false && env['NO_COLOR'] === undefined;
  const callTimeout = flags['callTimeout'] as string | undefined;
  const bucket = flags['bucket'] as string | undefined;
  const bucketMs = bucket === undefined ? undefined : parseDuration(bucket, where('bucket'));
  if (bucketMs !== undefined && bucketMs < 100) throw configError('INVALID_CLI', `${where('bucket')}: invalid value ${quote(bucket)}; expected a duration of 100ms or more, e.g. "5s"`);
  const isolation = flags['isolation'];
  if (isolation !== undefined && isolation !== 'compartment' && isolation !== 'context') {
    throw configError('INVALID_CLI', `${where('isolation')}: invalid value ${quote(isolation)}; expected compartment or context`);
  }
  const summaryMode = flags['summaryMode'];
  if (summaryMode !== undefined && !(SUMMARY_MODES as readonly unknown[]).includes(summaryMode)) {
    throw configError('INVALID_CLI', `${where('summaryMode')}: invalid value ${quote(summaryMode)}; expected ${SUMMARY_MODES.slice(0, -1).join(', ')} or ${SUMMARY_MODES.at(-1)}`);
  }
  return {
    script: {
      overrides: {
        vus: integerFlag(flags['vus'], where('vus'), 0),
        duration,
        iterations: integerFlag(flags['iterations'], where('iterations'), 1),
        stages: stages.length > 0 ? stages.map((stage) => parseStage(stage, where('stage'))) : undefined,
      },
      env: Object.fromEntries(((flags['env'] as string[] | undefined) ?? []).map(parseEnvPair)),
      typecheck: flags['typecheck'] === true,
      offline: flags['offline'] === true,
      frozen: flags['frozen'] === true,
      verbose: flags['verbose'] === true,
      isolation: isolation as Isolation | undefined,
      callTimeoutMs: callTimeout === undefined ? undefined : parseDuration(callTimeout, where('callTimeout')),
      memoryLimitMb: integerFlag(flags['memoryLimit'], where('memoryLimit'), 16),
      vusPerIsolate: integerFlag(flags['vusPerIsolate'], where('vusPerIsolate'), 1),
      profile: flags['profile'] as string | undefined,
      selection: {
        names: (flags['scenario'] as string[] | undefined) ?? [],
        tags: listFlag(flags['tags']),
        excludeTags: listFlag(flags['excludeTags']),
      },
      sources,
    },
    run: {
      summaryExport: flags['summaryExport'] as string | undefined,
      summaryMode: summaryMode as SummaryMode | undefined,
      quiet: flags['quiet'] === true,
      color,
      workers: integerFlag(flags['workers'], where('workers'), 1),
      serve: givenList(flags['serve']),
      outputs: parseOutputs((flags['out'] as string[] | undefined) ?? [], where('out')),
      report: flags['report'] as string | undefined,
      bucketMs,
      dashboard: dashboardFlag(flags['dashboard'], where('dashboard')),
    },
  };
}

/** `--tags a,b` (repeatable): the selectors, split at commas. */
function listFlag(value: unknown): string[] {
  const values = Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
  return values.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** `--dashboard` (127.0.0.1:5665), `--dashboard 8080` or `--dashboard 127.0.0.1:8080`. */
function dashboardFlag(value: unknown, where: string): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return { ...DEFAULT_DASHBOARD };
  const text = String(value);
  const match = /^(?:([^:]+|\[[^\]]+\]):)?(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw configError('INVALID_CLI', `${where}: invalid value ${quote(text)}; expected a port (0-65535) or host:port, e.g. 5665 or 127.0.0.1:5665`);
  }
  return { host: match[1]?.replace(/^\[|\]$/g, '') ?? DEFAULT_DASHBOARD.host, port };
}

/** A repeatable flag's values; undefined when it was not given, so its setting keeps its default. */
/** A repeatable flag's values as given, or undefined when it was not. */
function givenList(value: unknown): string[] | undefined {
  const values = (value as string[] | undefined) ?? [];
  return values.length === 0 ? undefined : values;
}

function integerFlag(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(number) || number < min) {
    throw configError('INVALID_CLI', `${flag}: invalid value ${quote(text)}; expected a whole number >= ${min}`);
  }
  return number;
}

/** `--stage 30s:50` → { duration: '30s', target: 50 }. */
export function parseStage(text: string, where = '--stage'): Stage {
  const match = /^([^:]+):(\d+)$/.exec(text.trim());
  if (match === null) {
    throw configError('INVALID_CLI', `${where}: invalid value ${quote(text)}; expected <duration>:<target VUs>, e.g. "30s:50"`);
  }
  parseDuration(match[1], where);
  return { duration: match[1]!, target: Number(match[2]) };
}
