import { describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { parseThresholds } from '../../../src/thresholds/index.js';
import type { ThresholdSpec } from '../../../src/thresholds/index.js';
import type { MetricDefinition, MetricType } from '../../../src/types.js';

const METRICS: Readonly<Record<string, MetricType>> = {
  http_req_duration: 'trend',
  iteration_duration: 'trend',
  my_trend: 'trend',
  http_reqs: 'counter',
  vus: 'gauge',
  checks: 'rate',
};
const KNOWN = Object.keys(METRICS);

function lookup(name: string): MetricDefinition | undefined {
  const type = METRICS[name];
  return type === undefined ? undefined : { name, type, contains: 'default' };
}

function parse(thresholds: unknown): ThresholdSpec[] {
  return parseThresholds(thresholds, lookup, KNOWN);
}

/** The single spec parsed from one key and one expression. */
function one(key: string, expression: string): ThresholdSpec {
  const specs = parse({ [key]: expression });
  expect(specs).toHaveLength(1);
  return specs[0]!;
}

function failure(thresholds: unknown): WskError {
  try {
    parse(thresholds);
  } catch (error) {
    expect(error).toBeInstanceOf(WskError);
    return error as WskError;
  }
  throw new Error('expected parseThresholds to throw');
}

describe('parseThresholds: expressions', () => {
  it.each([
    ['http_req_duration', 'avg<200', 'avg', '<', 200],
    ['http_req_duration', 'min<=1', 'min', '<=', 1],
    ['http_req_duration', 'max>2', 'max', '>', 2],
    ['http_req_duration', 'med>=3', 'med', '>=', 3],
    ['http_req_duration', 'count==4', 'count', '==', 4],
    ['http_req_duration', 'p(95)===5', 'p(95)', '===', 5],
    ['http_req_duration', 'p(99.9)!=6', 'p(99.9)', '!=', 6],
    ['http_req_duration', 'p(0)<1', 'p(0)', '<', 1],
    ['http_req_duration', 'p(100)<1', 'p(100)', '<', 1],
    ['http_req_duration', 'p(95.0)<1', 'p(95)', '<', 1],
    ['http_reqs', 'count>10', 'count', '>', 10],
    ['http_reqs', 'rate>0.5', 'rate', '>', 0.5],
    ['vus', 'value<100', 'value', '<', 100],
    ['vus', 'min>=1', 'min', '>=', 1],
    ['vus', 'max<=50', 'max', '<=', 50],
    ['checks', 'rate>0.99', 'rate', '>', 0.99],
    ['http_req_duration', '  p( 90 )  <  300  ', 'p(90)', '<', 300],
    ['http_req_duration', 'avg < -1', 'avg', '<', -1],
    ['http_req_duration', 'avg<1e3', 'avg', '<', 1000],
    ['http_req_duration', 'avg<.5', 'avg', '<', 0.5],
    ['http_req_duration', 'avg<+2.5E-1', 'avg', '<', 0.25],
  ] as const)('%s: %j', (key, source, method, operator, value) => {
    expect(one(key, source).expression).toEqual({ source, method, operator, value });
  });

  it('defaults to the whole metric, no abort, no delay', () => {
    expect(one('http_req_duration', 'p(95)<500')).toEqual({
      key: 'http_req_duration',
      metric: 'http_req_duration',
      tags: {},
      expression: { source: 'p(95)<500', method: 'p(95)', operator: '<', value: 500 },
      abortOnFail: false,
      delayAbortEvalMs: 0,
    });
  });

  it('returns no specs for absent thresholds or an empty list', () => {
    expect(parse(undefined)).toEqual([]);
    expect(parse({})).toEqual([]);
    expect(parse({ http_req_duration: [] })).toEqual([]);
  });
});

describe('parseThresholds: metric keys', () => {
  it.each([
    ['http_req_duration{name:login}', 'http_req_duration', { name: 'login' }],
    ['checks{check:is one}', 'checks', { check: 'is one' }],
    ['my_trend{ group : ::login , status:200 }', 'my_trend', { group: '::login', status: '200' }],
    ['my_trend{group:::a::b}', 'my_trend', { group: '::a::b' }],
    ['  my_trend  { a : b }  ', 'my_trend', { a: 'b' }],
    ['checks{check:"is, one: ok"}', 'checks', { check: 'is, one: ok' }],
    ["checks{check:'it\"s'}", 'checks', { check: 'it"s' }],
    ['checks{check:"", x : \'y\' }', 'checks', { check: '', x: 'y' }],
    ["checks{check:it's fine}", 'checks', { check: "it's fine" }],
    ['checks{url:http://x/{id}}', 'checks', { url: 'http://x/{id}' }],
  ] as const)('%s', (key, metric, tags) => {
    const spec = one(key, metric === 'checks' ? 'rate>0' : 'count>0');
    expect(spec.key).toBe(key);
    expect(spec.metric).toBe(metric);
    expect(spec.tags).toEqual(tags);
  });

  it('keeps a tag named __proto__ as a tag', () => {
    const spec = one('checks{__proto__:x}', 'rate>0');
    expect(Object.keys(spec.tags)).toEqual(['__proto__']);
    expect(spec.tags['__proto__']).toBe('x');
  });
});

describe('parseThresholds: entries', () => {
  it('reads strings, objects and mixed arrays in order', () => {
    const specs = parse({
      http_req_duration: ['p(95)<500', { threshold: 'p(99)<1000', abortOnFail: true, delayAbortEval: '1m30s' }],
      checks: { threshold: 'rate>0.9', abortOnFail: false },
    });
    expect(specs.map((s) => [s.key, s.expression.method, s.abortOnFail, s.delayAbortEvalMs])).toEqual([
      ['http_req_duration', 'p(95)', false, 0],
      ['http_req_duration', 'p(99)', true, 90_000],
      ['checks', 'rate', false, 0],
    ]);
  });

  it.each([
    ['0', 0],
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['1h', 3_600_000],
    ['1d2h', 93_600_000],
    ['1m30s500ms', 90_500],
    [2500, 2500],
  ] as const)('delayAbortEval %j is %i ms', (delayAbortEval, ms) => {
    const [spec] = parse({ checks: { threshold: 'rate>0', abortOnFail: true, delayAbortEval } });
    expect(spec?.delayAbortEvalMs).toBe(ms);
  });
});

describe('parseThresholds: errors', () => {
  it.each([
    // expressions
    [{ http_req_duration: 'p(95)<<500' }, 'INVALID_THRESHOLD',
      'threshold "p(95)<<500" on "http_req_duration": cannot parse; expected <aggregation> <operator> <number>, e.g. "p(95)<500"'],
    [{ http_req_duration: '' }, 'INVALID_THRESHOLD', 'threshold "" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'avg<' }, 'INVALID_THRESHOLD', 'threshold "avg<" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'avg=5' }, 'INVALID_THRESHOLD', 'threshold "avg=5" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'avg====5' }, 'INVALID_THRESHOLD', 'threshold "avg====5" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'avg<5ms' }, 'INVALID_THRESHOLD', 'threshold "avg<5ms" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'avg<1e999' }, 'INVALID_THRESHOLD', 'threshold "avg<1e999" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'avg(5)<1' }, 'INVALID_THRESHOLD', 'threshold "avg(5)<1" on "http_req_duration": cannot parse;'],
    [{ http_req_duration: 'p(101)<5' }, 'INVALID_THRESHOLD',
      'threshold "p(101)<5" on "http_req_duration": percentile 101 is out of range; allowed 0 to 100'],
    [{ http_req_duration: 'p(-1)<5' }, 'INVALID_THRESHOLD', 'percentile -1 is out of range; allowed 0 to 100'],
    [{ http_req_duration: 'p(x)<5' }, 'INVALID_THRESHOLD', 'threshold "p(x)<5" on "http_req_duration": percentile "x" is not a number'],
    [{ http_req_duration: 'p<5' }, 'INVALID_THRESHOLD', 'threshold "p<5" on "http_req_duration": "p" needs a percentile, e.g. "p(95)"'],
    // aggregation against metric type
    [{ iteration_duration: 'rate<0.1' }, 'INVALID_THRESHOLD',
      'threshold "rate<0.1" on "iteration_duration": "rate" is not valid for a trend metric; allowed: avg, min, max, med, p(N), count'],
    [{ http_reqs: 'avg<1' }, 'INVALID_THRESHOLD', '"avg" is not valid for a counter metric; allowed: count, rate'],
    [{ vus: 'count<1' }, 'INVALID_THRESHOLD', '"count" is not valid for a gauge metric; allowed: value, min, max'],
    [{ checks: 'p(95)<1' }, 'INVALID_THRESHOLD', '"p(95)" is not valid for a rate metric; allowed: rate'],
    [{ checks: 'mean<1' }, 'INVALID_THRESHOLD',
      'threshold "mean<1" on "checks": unknown aggregation "mean"; allowed for a rate metric: rate'],
    [{ 'checks{check:a}': 'AVG<1' }, 'INVALID_THRESHOLD', 'threshold "AVG<1" on "checks{check:a}": unknown aggregation "AVG"'],
    // metric keys
    [{ http_req_durtion: 'avg<1' }, 'UNKNOWN_METRIC',
      'threshold on "http_req_durtion": unknown metric; known: http_req_duration, iteration_duration, my_trend, http_reqs, vus, checks'],
    [{ 'nope{a:b}': 'avg<1' }, 'UNKNOWN_METRIC', 'threshold on "nope{a:b}": unknown metric "nope"; known: http_req_duration,'],
    [{ 'my-metric': 'avg<1' }, 'INVALID_THRESHOLD', 'threshold on "my-metric": invalid metric name "my-metric";'],
    [{ '1abc': 'avg<1' }, 'INVALID_THRESHOLD', 'invalid metric name "1abc"'],
    [{ ['a'.repeat(129)]: 'avg<1' }, 'INVALID_THRESHOLD', 'at most 128 characters'],
    [{ '{a:b}': 'avg<1' }, 'INVALID_THRESHOLD', 'threshold on "{a:b}": invalid metric name ""'],
    [{ 'checks{a:b': 'rate>0' }, 'INVALID_THRESHOLD', 'threshold on "checks{a:b": the tag filter must end the key with "}"'],
    [{ 'checks}': 'rate>0' }, 'INVALID_THRESHOLD', 'threshold on "checks}": "}" without "{"'],
    [{ 'checks{}': 'rate>0' }, 'INVALID_THRESHOLD', 'threshold on "checks{}": empty tag filter "{}"'],
    [{ 'checks{a}': 'rate>0' }, 'INVALID_THRESHOLD', 'threshold on "checks{a}": "a" has no ":" between tag and value'],
    [{ 'checks{a:}': 'rate>0' }, 'INVALID_THRESHOLD', 'tag "a" has an empty value'],
    [{ 'checks{:b}': 'rate>0' }, 'INVALID_THRESHOLD', 'invalid tag name ""'],
    [{ 'checks{a:b,}': 'rate>0' }, 'INVALID_THRESHOLD', '"" has no ":" between tag and value'],
    [{ 'checks{a:b,a:c}': 'rate>0' }, 'INVALID_THRESHOLD', 'tag "a" appears twice'],
    [{ 'checks{a:"b}': 'rate>0' }, 'INVALID_THRESHOLD', 'unterminated quote in the value of tag "a"'],
    [{ 'checks{a:"b"c}': 'rate>0' }, 'INVALID_THRESHOLD', 'unexpected "c" after the quoted value of tag "a"'],
    // entry shapes
    [['avg<1'], 'INVALID_THRESHOLD', 'options.thresholds must be an object mapping metric keys to threshold expressions; got ["avg<1"]'],
    ['avg<1', 'INVALID_THRESHOLD', 'options.thresholds must be an object'],
    [{ checks: 5 }, 'INVALID_THRESHOLD',
      'options.thresholds["checks"] must be an expression string, an object { threshold, abortOnFail?, delayAbortEval? } or an array of them; got 5'],
    [{ checks: ['rate>0', null] }, 'INVALID_THRESHOLD', 'options.thresholds["checks"][1] must be an expression string'],
    [{ checks: [['rate>0']] }, 'INVALID_THRESHOLD', 'options.thresholds["checks"][0] must be an expression string'],
    [{ checks: { abortOnFail: true } }, 'INVALID_THRESHOLD',
      'options.thresholds["checks"].threshold must be an expression string such as "p(95)<500"; got undefined'],
    [{ checks: { threshold: 5 } }, 'INVALID_THRESHOLD', 'options.thresholds["checks"].threshold must be an expression string'],
    [{ checks: { threshold: 'rate>0', abortOnFail: 'yes' } }, 'INVALID_THRESHOLD',
      'options.thresholds["checks"].abortOnFail must be true or false; got "yes"'],
    [{ checks: [{ threshold: 'rate>0', abortonfail: true }] }, 'INVALID_THRESHOLD',
      'options.thresholds["checks"][0].abortonfail is not a threshold field; allowed: threshold, abortOnFail, delayAbortEval'],
    [{ checks: { threshold: 'rate>0', delayAbortEval: '10 sec' } }, 'INVALID_THRESHOLD',
      'options.thresholds["checks"].delayAbortEval "10 sec" is not a duration; expected e.g. "500ms", "10s", "1m30s", "1h"'],
    [{ checks: { threshold: 'rate>0', delayAbortEval: -1 } }, 'INVALID_THRESHOLD', '.delayAbortEval -1 is not a duration'],
    [{ checks: { threshold: 'rate>0', delayAbortEval: '' } }, 'INVALID_THRESHOLD', '.delayAbortEval "" is not a duration'],
  ] as const)('%j', (thresholds, code, message) => {
    const error = failure(thresholds);
    expect(error.code).toBe(code);
    expect(error.exitCode).toBe(104);
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('\n');
  });

  it('omits the known list when none is given', () => {
    expect(() => parseThresholds({ nope: 'avg<1' }, lookup)).toThrow(/^threshold on "nope": unknown metric$/);
  });
});
