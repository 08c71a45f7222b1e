/**
 * Every setting wsk knows, in one place: the keys of a script's `options` (what wsk reads and what
 * k6 scripts commonly carry that wsk accepts and ignores), and the run settings only the command
 * line (and later a config file or the environment) can give. A key that is none of these is a
 * config error naming the key, where it came from and the closest valid name.
 */
import { configError, quote, type WskError } from '../errors.js';
import { DEFAULT_BUCKET_MS } from '../results/buckets.js';

/** Script options wsk reads. */
export const READ_OPTIONS = [
  'vus', 'duration', 'iterations', 'stages', 'scenarios', 'thresholds',
  'summaryTrendStats', 'setupTimeout', 'teardownTimeout', 'tags', 'systemTags',
  'hosts', 'insecureSkipTLSVerify', 'tlsAuth', 'userAgent', 'noConnectionReuse', 'batchPerHost',
  'maxRedirects', 'discardResponseBodies', 'profiles',
] as const;

/**
 * k6 options wsk does not act on: accepted, so an existing k6 script keeps running, and named once
 * in a warning. From k6's documented option list.
 */
export const IGNORED_K6_OPTIONS = [
  'batch', 'blacklistIPs', 'blockHostnames', 'cloud', 'compatibilityMode', 'consoleOutput', 'dns',
  'executionSegment', 'executionSegmentSequence', 'ext', 'httpDebug', 'includeSystemEnvVars',
  'linger', 'localIPs', 'logFormat', 'logOutput', 'minIterationDuration', 'noCookiesReset',
  'noSetup', 'noSummary', 'noTeardown', 'noThresholds', 'noUsageReport', 'noVUConnectionReuse',
  'paused', 'quiet', 'rps', 'summaryTimeUnit', 'throw', 'tlsCipherSuites', 'tlsVersion',
  'traces', 'upload', 'webDashboard',
] as const;

export const SCRIPT_OPTION_KEYS: readonly string[] = [...READ_OPTIONS, ...IGNORED_K6_OPTIONS];

/** What a profile may set: any script option but profiles. */
export const PROFILE_OPTION_KEYS: readonly string[] = SCRIPT_OPTION_KEYS.filter((key) => key !== 'profiles');

/**
 * Run settings: how wsk runs the test rather than what the test is, keyed as the run request names
 * them, with the flag that sets each and, where it has a fixed one, its default (the defaults layer).
 * vusPerIsolate and workers default to values worked out at run time (isolation, cores).
 */
export const RUN_SETTINGS = {
  isolation: { flag: '--isolation', default: 'compartment' },
  callTimeoutMs: { flag: '--call-timeout', default: 10_000 },
  memoryLimitMb: { flag: '--memory-limit', default: 2048 },
  vusPerIsolate: { flag: '--vus-per-isolate' },
  workers: { flag: '--workers' },
  outputs: { flag: '--out', default: [] },
  bucketMs: { flag: '--bucket', default: DEFAULT_BUCKET_MS },
  dashboard: { flag: '--dashboard' },
  report: { flag: '--report' },
  summaryExport: { flag: '--summary-export' },
  summaryMode: { flag: '--summary-mode', default: 'compact' },
  serve: { flag: '--serve', default: [] },
} as const satisfies Readonly<Record<string, { readonly flag: string; readonly default?: unknown }>>;
export type RunSettingKey = keyof typeof RUN_SETTINGS;
export const RUN_SETTING_KEYS = Object.keys(RUN_SETTINGS) as readonly RunSettingKey[];

/**
 * Run settings as a config file names them (the flag without its dashes, in camelCase), which is
 * also how the command line's parsed flags are keyed.
 */
export const CONFIG_RUN_SETTINGS = ['out', 'summaryExport', 'summaryMode', 'report', 'bucket', 'dashboard', 'workers', 'isolation', 'callTimeout', 'memoryLimit', 'vusPerIsolate', 'serve'] as const;

/**
 * Environment variables that set a flag (keyed as the parsed flags are), wsk's name first, then
 * k6's. They sit above the script's options and below the command line. Lists are comma-separated.
 */
export const ENV_FLAGS: Readonly<Record<string, readonly string[]>> = {
  vus: ['WSK_VUS', 'K6_VUS'],
  duration: ['WSK_DURATION', 'K6_DURATION'],
  iterations: ['WSK_ITERATIONS', 'K6_ITERATIONS'],
  stage: ['WSK_STAGES', 'K6_STAGES'],
  out: ['WSK_OUT', 'K6_OUT'],
  summaryExport: ['WSK_SUMMARY_EXPORT', 'K6_SUMMARY_EXPORT'],
  summaryMode: ['WSK_SUMMARY_MODE', 'K6_SUMMARY_MODE'],
  report: ['WSK_REPORT'],
  bucket: ['WSK_BUCKET'],
  dashboard: ['WSK_DASHBOARD'],
  workers: ['WSK_WORKERS'],
  isolation: ['WSK_ISOLATION'],
  callTimeout: ['WSK_CALL_TIMEOUT'],
  memoryLimit: ['WSK_MEMORY_LIMIT'],
  vusPerIsolate: ['WSK_VUS_PER_ISOLATE'],
  profile: ['WSK_PROFILE'],
  serve: ['WSK_SERVE'],
};

/** Parsed flags that take a list. */
export const LIST_FLAGS: readonly string[] = ['stage', 'out', 'serve'];

/** The script option a CLI flag overrides, for the execution shortcuts. */
export const OPTION_FLAGS = { vus: '--vus', duration: '--duration', iterations: '--iterations', stages: '--stage' } as const;

/**
 * Rejects the first key of `fields` outside `known`: "<key>" in <source>: unknown option; did you
 * mean "<closest>"? `source` says where the object came from (e.g. `script options`).
 */
export function checkKnownKeys(fields: Readonly<Record<string, unknown>>, known: readonly string[], source: string): void {
  for (const key of Object.keys(fields)) {
    if (!known.includes(key)) throw unknownKey(key, known, source);
  }
}

export function unknownKey(key: string, known: readonly string[], source: string): WskError {
  const closest = closestName(key, known);
  const advice = closest === undefined ? 'it is neither a wsk nor a k6 option' : `did you mean ${quote(closest)}?`;
  return configError('INVALID_OPTION', `${quote(key)} in ${source}: unknown option; ${advice}`);
}

/** The known name nearest to `name`, if it is near enough to be a typo of it. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // Close means at most 2 edits (a third of the name for long names), and not a rewrite of a short one.
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) && bestDistance < name.length ? best : undefined;
}

/** Levenshtein distance, with one row of the table kept at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
