/**
 * CLI flag values (strings from commander) into typed requests, each bad value a one-line error
 * naming the flag, the value and what is allowed.
 */
import { configError, quote } from '../errors.js';
import { parseDuration } from '../duration.js';
import type { Stage } from '../types.js';
import type { Isolation } from '../sandbox/isolate.js';
import type { ScriptRequest } from '../run/prepare.js';
import type { RunRequest } from '../run/run.js';
import { parseOutputs } from '../results/outputs.js';
import { DEFAULT_DASHBOARD } from '../live/index.js';

export interface CliFlags {
  readonly script: Omit<ScriptRequest, 'script'>;
  readonly run: Omit<RunRequest, keyof ScriptRequest>;
}

/** `colorTerminal`: stdout is a TTY, so colour is on unless --no-color or NO_COLOR says otherwise. */
export function parseCliFlags(flags: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>, colorTerminal = false): CliFlags {
  const stages = (flags['stage'] as string[] | undefined) ?? [];
  const duration = flags['duration'] as string | undefined;
  if (duration !== undefined) parseDuration(duration, '--duration');
  const color = colorTerminal && flags['color'] !== false && env['NO_COLOR'] === undefined;
  const callTimeout = flags['callTimeout'] as string | undefined;
  const bucket = flags['bucket'] as string | undefined;
  const bucketMs = bucket === undefined ? undefined : parseDuration(bucket, '--bucket');
  if (bucketMs !== undefined && bucketMs < 100) throw configError('INVALID_CLI', `--bucket: invalid value ${quote(bucket)}; expected a duration of 100ms or more, e.g. "5s"`);
  return {
    script: {
      overrides: {
        vus: integerFlag(flags['vus'], '--vus', 0),
        duration,
        iterations: integerFlag(flags['iterations'], '--iterations', 1),
        stages: stages.length > 0 ? stages.map(parseStage) : undefined,
      },
      env: Object.fromEntries(((flags['env'] as string[] | undefined) ?? []).map(parseEnvPair)),
      typecheck: flags['typecheck'] === true,
      verbose: flags['verbose'] === true,
      isolation: flags['isolation'] as Isolation | undefined,
      callTimeoutMs: callTimeout === undefined ? undefined : parseDuration(callTimeout, '--call-timeout'),
      memoryLimitMb: integerFlag(flags['memoryLimit'], '--memory-limit', 16),
      vusPerIsolate: integerFlag(flags['vusPerIsolate'], '--vus-per-isolate', 1),
    },
    run: {
      summaryExport: flags['summaryExport'] as string | undefined,
      quiet: flags['quiet'] === true,
      color,
      workers: integerFlag(flags['workers'], '--workers', 1),
      serve: listFlag(flags['serve']),
      outputs: parseOutputs((flags['out'] as string[] | undefined) ?? []),
      report: flags['report'] as string | undefined,
      bucketMs,
      dashboard: dashboardFlag(flags['dashboard']),
    },
  };
}

/** `--dashboard` (127.0.0.1:5665), `--dashboard 8080` or `--dashboard 127.0.0.1:8080`. */
function dashboardFlag(value: unknown): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  if (value === true) return { ...DEFAULT_DASHBOARD };
  const text = String(value);
  const match = /^(?:([^:]+|\[[^\]]+\]):)?(\d+)$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65535) {
    throw configError('INVALID_CLI', `--dashboard: invalid value ${quote(text)}; expected a port (0-65535) or host:port, e.g. 5665 or 127.0.0.1:5665`);
  }
  return { host: match[1]?.replace(/^\[|\]$/g, '') ?? DEFAULT_DASHBOARD.host, port };
}

/** A repeatable flag's values; undefined when it was not given, so its setting keeps its default. */
function listFlag(value: unknown): string[] | undefined {
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
export function parseStage(text: string): Stage {
  const match = /^([^:]+):(\d+)$/.exec(text.trim());
  if (match === null) {
    throw configError('INVALID_CLI', `--stage: invalid value ${quote(text)}; expected <duration>:<target VUs>, e.g. "30s:50"`);
  }
  parseDuration(match[1], '--stage');
  return { duration: match[1]!, target: Number(match[2]) };
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
