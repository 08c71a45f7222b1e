/**
 * Reads a results file for `wsk report`: it must be JSON in the `wsk-results/1` format with every
 * field the report reads, so a wrong or damaged file fails with one line saying what is wrong
 * instead of rendering a broken page.
 */
import { readFile } from 'node:fs/promises';
import { configError, quote, type WskError } from '../errors.js';
import { RESULTS_FORMAT, type RunResults } from '../results/types.js';

/** Reads and checks `file` (absolute); `shown` is the path as the user gave it, for messages. */
export async function readResults(file: string, shown: string): Promise<RunResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'read error');
    throw configError('IO', `wsk report: cannot read ${quote(shown)}: ${why}`);
  }
  return parseResults(text, shown);
}

export function parseResults(text: string, shown: string): RunResults {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/\s+/g, ' ');
    throw configError('INVALID_CLI', `wsk report: ${quote(shown)} is not JSON (${reason}); expected a results file from --out json=FILE`);
  }
  const notResults = (what: string): WskError =>
    configError('INVALID_CLI', `wsk report: ${quote(shown)} is not a ${RESULTS_FORMAT} results file: ${what}; write one with --out json=FILE`);
  if (!isObject(json)) throw notResults(`it holds ${describe(json)}, not an object`);
  if (json['format'] !== RESULTS_FORMAT) {
    throw notResults(json['format'] === undefined ? 'it has no "format"' : `its "format" is ${quote(json['format'])}`);
  }
  const problem = shapeProblem(json);
  if (problem !== undefined) throw notResults(problem);
  // Every field the report reads was checked above.
  return json as unknown as RunResults;
}

type Check = (value: unknown) => boolean;
const string: Check = (value) => typeof value === 'string';
const number: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const numberOrNull: Check = (value) => value === null || number(value);
const boolean: Check = (value) => typeof value === 'boolean';
const tags: Check = (value) => isObject(value) && Object.values(value).every(string);
const column: Check = (value) => Array.isArray(value) && value.every(numberOrNull);
const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    typeof value === 'string' && allowed.includes(value);
const object =
  (fields: Readonly<Record<string, Check>>): Check =>
  (value) =>
    isObject(value) && Object.entries(fields).every(([field, check]) => check(value[field]));

const RUN_FIELDS: Readonly<Record<string, Check>> = {
  wsk: object({ version: string, node: string }),
  script: string,
  startedAt: string,
  endedAt: string,
  durationMs: number,
  exitCode: number,
  stoppedBy: string,
};
const THRESHOLD = object({ metric: string, key: string, expression: string, ok: boolean, observed: numberOrNull, abortOnFail: boolean });
const CHECK = object({ group: string, name: string, passes: number, fails: number });
const METRIC = object({
  type: oneOf('counter', 'gauge', 'rate', 'trend'),
  contains: oneOf('default', 'time', 'data'),
  values: (value) => isObject(value) && Object.values(value).every(number),
});
const ERROR_COUNT = object({ metric: string, kind: tags, count: number });
const COLUMNS_BY_TYPE: ReadonlyMap<unknown, readonly string[]> = new Map([
  ['counter', ['sum']],
  ['gauge', ['value']],
  ['rate', ['passes', 'samples']],
  ['trend', ['count', 'avg', 'min', 'p50', 'p90', 'p95', 'p99', 'max']],
]);

/** The first thing wrong with the file's shape, named by its path ('timeSeries.series[3].p95'), or undefined. */
function shapeProblem(json: Record<string, unknown>): string | undefined {
  for (const [field, check] of Object.entries(RUN_FIELDS)) if (!check(json[field])) return `"${field}" is missing or invalid`;
  const lists: [string, Check][] = [
    ['thresholds', THRESHOLD],
    ['checks', CHECK],
    ['errors', ERROR_COUNT],
  ];
  for (const [field, check] of lists) {
    const list = json[field];
    if (!Array.isArray(list)) return `"${field}" is missing or not a list`;
    const bad = list.findIndex((item) => !check(item));
    if (bad >= 0) return `"${field}[${bad}]" is invalid`;
  }
  const metrics = json['metrics'];
  if (!isObject(metrics)) return '"metrics" is missing or not an object';
  const badMetric = Object.keys(metrics).find((name) => !METRIC(metrics[name]));
  if (badMetric !== undefined) return `"metrics[${quote(badMetric)}]" is invalid`;
  return timeSeriesProblem(json['timeSeries']);
}

function timeSeriesProblem(timeSeries: unknown): string | undefined {
  if (!isObject(timeSeries)) return '"timeSeries" is missing or not an object';
  const { bucketMs, startMs, buckets, series } = timeSeries;
  if (!number(bucketMs) || (bucketMs as number) <= 0) return '"timeSeries.bucketMs" must be a positive number';
  if (!number(startMs)) return '"timeSeries.startMs" is missing or invalid';
  if (!Number.isInteger(buckets) || (buckets as number) < 0) return '"timeSeries.buckets" must be a whole number';
  if (!Array.isArray(series)) return '"timeSeries.series" is missing or not a list';
  for (const [i, item] of series.entries()) {
    const where = `"timeSeries.series[${i}]`;
    if (!isObject(item) || !string(item['metric']) || !tags(item['tags'])) return `${where}" is invalid`;
    const columns = COLUMNS_BY_TYPE.get(item['type']);
    if (columns === undefined) return `${where}.type" must be counter, gauge, rate or trend`;
    const bad = columns.find((name) => !column(item[name]));
    if (bad !== undefined) return `${where}.${bad}" must be a list of numbers and nulls`;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}
