/**
 * Parses `options.thresholds` (k6 syntax) into ThresholdSpecs, checked against the metrics known after init.
 *
 * Grammar (whitespace is allowed around every part):
 *
 *   thresholds  = { metric-key: entry | entry[] }
 *   entry       = expression | { threshold: expression, abortOnFail?: boolean, delayAbortEval?: duration }
 *   metric-key  = name [ "{" filter { "," filter } "}" ]
 *   name        = [A-Za-z_][A-Za-z0-9_]*                 at most 128 characters (k6's rule, options/grammar.ts)
 *   filter      = tag ":" value                           split at the FIRST colon: "group:::a" is tag "group", value "::a"
 *   value       = text | '"' text '"' | "'" text "'"      quotes are stripped; a quoted value may hold "," and ":"
 *   expression  = aggregation operator number
 *   aggregation = "avg" | "min" | "max" | "med" | "count" | "rate" | "value" | "p(" N ")"     0 <= N <= 100
 *   operator    = "<" | "<=" | ">" | ">=" | "==" | "===" | "!="
 *   number      = a JS decimal literal: "-1", "0.5", "1e3"
 *   duration    = k6's duration grammar (options/grammar.ts): "500ms", "10s", "1m30s", "1h"; or a number of ms
 *
 * The aggregations a metric accepts depend on its type:
 *   counter: count, rate    gauge: value, min, max    rate: rate    trend: avg, min, max, med, p(N), count
 */
import { configError, quote, type WskError } from '../errors.js';
import type { MetricDefinition, MetricType, Tags } from '../types.js';
import { METRIC_NAME_RULE, isMetricName, readDuration } from '../options/grammar.js';

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  /** The expression exactly as written. */
  readonly source: string;
  /** Aggregation as MetricSnapshotView.value() names it: 'avg', 'count', ... or 'p(99.9)' with N normalised. */
  readonly method: string;
  readonly operator: ThresholdOperator;
  readonly value: number;
}

export interface ThresholdSpec {
  /** The metric key exactly as written, e.g. 'http_req_duration{name:login}'. */
  readonly key: string;
  readonly metric: string;
  /** Submetric filter; {} for the whole metric. */
  readonly tags: Tags;
  readonly expression: ThresholdExpression;
  readonly abortOnFail: boolean;
  readonly delayAbortEvalMs: number;
}

export type MetricLookup = (name: string) => MetricDefinition | undefined;

const METHODS_BY_TYPE = {
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)', 'count'],
} as const satisfies Record<MetricType, readonly string[]>;
const KNOWN_METHODS: ReadonlySet<string> = new Set(Object.values(METHODS_BY_TYPE).flat());

// The operand is captured loosely and checked on its own, so "p(95)<<500" fails as a whole.
const EXPRESSION = /^\s*([A-Za-z]+)\s*(?:\(\s*([^()]*?)\s*\)\s*)?(===|==|!=|<=|>=|<|>)\s*(\S+)\s*$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ENTRY_FIELDS: ReadonlySet<string> = new Set(['threshold', 'abortOnFail', 'delayAbortEval']);

/** Throws WskError (configError 'INVALID_THRESHOLD' or 'UNKNOWN_METRIC') on the first bad entry. */
export function parseThresholds(thresholds: unknown, lookupMetric: MetricLookup, knownNames?: readonly string[]): ThresholdSpec[] {
  if (thresholds === undefined || thresholds === null) return [];
  if (!isPlainObject(thresholds)) {
    throw invalid(`options.thresholds must be an object mapping metric keys to threshold expressions; got ${quote(thresholds)}`);
  }
  const specs: ThresholdSpec[] = [];
  for (const [key, value] of Object.entries(thresholds)) {
    const { metric, tags } = parseMetricKey(key);
    const definition = lookupMetric(metric);
    if (definition === undefined) throw unknownMetric(key, metric, knownNames);
    const entries: readonly unknown[] = Array.isArray(value) ? value : [value];
    entries.forEach((entry, index) => {
      const where = `options.thresholds[${quote(key)}]` + (Array.isArray(value) ? `[${index}]` : '');
      const input = readEntry(entry, where);
      const expression = parseExpression(input.threshold, key);
      checkMethodAllowed(expression, key, definition.type);
      specs.push({ key, metric, tags, expression, abortOnFail: input.abortOnFail, delayAbortEvalMs: input.delayAbortEvalMs });
    });
  }
  return specs;
}

/** Splits 'name{tag:value,...}' into the metric name and its submetric filter. */
export function parseMetricKey(key: string): { metric: string; tags: Tags } {
  const trimmed = key.trim();
  const open = trimmed.indexOf('{');
  const metric = (open === -1 ? trimmed : trimmed.slice(0, open)).trim();
  if (open === -1 && trimmed.includes('}')) throw malformedKey(key, '"}" without "{"');
  if (open !== -1 && !trimmed.endsWith('}')) throw malformedKey(key, 'the tag filter must end the key with "}"');
  if (!isMetricName(metric)) {
    throw invalid(`threshold on ${quote(key)}: invalid metric name ${quote(metric)}; a name is ${METRIC_NAME_RULE}`);
  }
  const tags = open === -1 ? {} : parseTagFilter(trimmed.slice(open + 1, -1), key);
  return { metric, tags };
}

function parseTagFilter(body: string, key: string): Tags {
  if (body.trim() === '') throw malformedKey(key, 'empty tag filter "{}"');
  const entries: [string, string][] = [];
  let rest = body;
  for (;;) {
    const colon = rest.indexOf(':');
    if (colon === -1) throw malformedKey(key, `${quote(rest.trim())} has no ":" between tag and value`);
    const tag = rest.slice(0, colon).trim();
    if (tag === '' || tag.includes(',')) throw malformedKey(key, `invalid tag name ${quote(tag)}`);
    if (entries.some(([seen]) => seen === tag)) throw malformedKey(key, `tag ${quote(tag)} appears twice`);
    const { value, after } = readTagValue(rest.slice(colon + 1).trimStart(), tag, key);
    entries.push([tag, value]);
    if (after === '') break;
    rest = after.slice(1); // past the ","
  }
  // fromEntries defines own properties, so a tag named "__proto__" stays a tag.
  return Object.freeze(Object.fromEntries(entries));
}

/** Reads one tag value from the start of `text`; `after` is '' or starts with the "," before the next filter. */
function readTagValue(text: string, tag: string, key: string): { value: string; after: string } {
  const quoteChar = text[0];
  if (quoteChar === '"' || quoteChar === "'") {
    const close = text.indexOf(quoteChar, 1);
    if (close === -1) throw malformedKey(key, `unterminated quote in the value of tag ${quote(tag)}`);
    const after = text.slice(close + 1).trimStart();
    if (after !== '' && !after.startsWith(',')) {
      throw malformedKey(key, `unexpected ${quote(after)} after the quoted value of tag ${quote(tag)}`);
    }
    return { value: text.slice(1, close), after };
  }
  const comma = text.indexOf(',');
  const value = (comma === -1 ? text : text.slice(0, comma)).trim();
  if (value === '') throw malformedKey(key, `tag ${quote(tag)} has an empty value`);
  return { value, after: comma === -1 ? '' : text.slice(comma) };
}

/** Parses '<aggregation> <operator> <number>'; the aggregation's fit to the metric type is checked separately. */
export function parseExpression(source: string, key: string): ThresholdExpression {
  const match = EXPRESSION.exec(source);
  const [, name, argument, operator, operand] = match ?? [];
  if (name === undefined || operator === undefined || operand === undefined || !DECIMAL.test(operand)) {
    throw cannotParse(source, key);
  }
  const value = Number(operand);
  if (!Number.isFinite(value)) throw cannotParse(source, key);
  return { source, method: methodName(name, argument, source, key), operator: operator as ThresholdOperator, value };
}

function methodName(name: string, argument: string | undefined, source: string, key: string): string {
  if (name !== 'p') {
    if (argument !== undefined) throw cannotParse(source, key);
    return name;
  }
  if (argument === undefined) throw invalid(`${onKey(source, key)}: "p" needs a percentile, e.g. "p(95)"`);
  if (!DECIMAL.test(argument)) throw invalid(`${onKey(source, key)}: percentile ${quote(argument)} is not a number; allowed 0 to 100`);
  const percentile = Number(argument);
  if (!(percentile >= 0 && percentile <= 100)) {
    throw invalid(`${onKey(source, key)}: percentile ${argument} is out of range; allowed 0 to 100`);
  }
  return `p(${percentile})`;
}

function checkMethodAllowed(expression: ThresholdExpression, key: string, type: MetricType): void {
  const allowed: readonly string[] = METHODS_BY_TYPE[type];
  const family = expression.method.startsWith('p(') ? 'p(N)' : expression.method;
  if (allowed.includes(family)) return;
  const problem = KNOWN_METHODS.has(family)
    ? `${quote(expression.method)} is not valid for a ${type} metric; allowed: `
    : `unknown aggregation ${quote(expression.method)}; allowed for a ${type} metric: `;
  throw invalid(`${onKey(expression.source, key)}: ${problem}${allowed.join(', ')}`);
}

interface EntryInput {
  readonly threshold: string;
  readonly abortOnFail: boolean;
  readonly delayAbortEvalMs: number;
}

function readEntry(entry: unknown, where: string): EntryInput {
  if (typeof entry === 'string') return { threshold: entry, abortOnFail: false, delayAbortEvalMs: 0 };
  if (!isPlainObject(entry)) {
    throw invalid(
      `${where} must be an expression string, an object { threshold, abortOnFail?, delayAbortEval? } or an array of them; ` +
        `got ${quote(entry)}`,
    );
  }
  const unknownField = Object.keys(entry).find((field) => !ENTRY_FIELDS.has(field));
  if (unknownField !== undefined) {
    throw invalid(`${where}.${unknownField} is not a threshold field; allowed: threshold, abortOnFail, delayAbortEval`);
  }
  const { threshold, abortOnFail, delayAbortEval } = entry;
  if (typeof threshold !== 'string') {
    throw invalid(`${where}.threshold must be an expression string such as "p(95)<500"; got ${quote(threshold)}`);
  }
  if (abortOnFail !== undefined && typeof abortOnFail !== 'boolean') {
    throw invalid(`${where}.abortOnFail must be true or false; got ${quote(abortOnFail)}`);
  }
  return {
    threshold,
    abortOnFail: abortOnFail ?? false,
    delayAbortEvalMs: delayAbortEval === undefined ? 0 : durationMs(delayAbortEval, `${where}.delayAbortEval`),
  };
}

function durationMs(value: unknown, where: string): number {
  const reading = readDuration(typeof value === 'string' ? value.trim() : value);
  if ('ms' in reading) return reading.ms;
  throw invalid(`${where} ${quote(value)} is not a duration; expected e.g. "500ms", "10s", "1m30s", "1h"`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onKey(source: string, key: string): string {
  return `threshold ${quote(source)} on ${quote(key)}`;
}

function cannotParse(source: string, key: string): WskError {
  return invalid(`${onKey(source, key)}: cannot parse; expected <aggregation> <operator> <number>, e.g. "p(95)<500"`);
}

function malformedKey(key: string, problem: string): WskError {
  return invalid(`threshold on ${quote(key)}: ${problem}; expected name or name{tag:value, ...}`);
}

function unknownMetric(key: string, metric: string, knownNames: readonly string[] | undefined): WskError {
  const subject = key === metric ? 'unknown metric' : `unknown metric ${quote(metric)}`;
  const known = knownNames === undefined || knownNames.length === 0 ? '' : `; known: ${knownNames.join(', ')}`;
  return configError(
    'UNKNOWN_METRIC',
    `threshold on ${quote(key)}: ${subject}${known}`,
    'custom metrics count only when created in init code, e.g. new Trend("my_trend")',
  );
}

function invalid(message: string): WskError {
  return configError('INVALID_THRESHOLD', message);
}
