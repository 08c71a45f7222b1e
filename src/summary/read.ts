/**
 * Summary data that came back from a script (textSummary(data) in handleSummary), which may have
 * changed it: checked to be what the renderer reads, each fault a TypeError naming the field. Only
 * `metrics` is required; the checks tree, the trend stats and the duration default to none.
 */
import { DEFAULT_TREND_STATS } from '../metrics/view.js';
import type { MetricType, ValueKind } from '../types.js';
import type { SummaryCheck, SummaryData, SummaryGroup, SummaryMetric } from './data.js';

const TYPES: readonly MetricType[] = ['counter', 'gauge', 'rate', 'trend'];
const KINDS: readonly ValueKind[] = ['default', 'time', 'data'];

export function readSummaryData(value: unknown, where: string): SummaryData {
  const data = record(value, where, 'the object handleSummary(data) receives');
  const metrics: Record<string, SummaryMetric> = {};
  for (const [key, metric] of Object.entries(record(data['metrics'], `${where}.metrics`, 'an object of metrics by name'))) {
    metrics[key] = readMetric(metric, `${where}.metrics[${JSON.stringify(key)}]`);
  }
  const options = optionalRecord(data['options'], `${where}.options`);
  const state = optionalRecord(data['state'], `${where}.state`);
  const trendStats = options['summaryTrendStats'] ?? DEFAULT_TREND_STATS;
  if (!Array.isArray(trendStats) || !trendStats.every((stat) => typeof stat === 'string')) {
    throw fault(`${where}.options.summaryTrendStats`, 'a list of stats such as ["avg", "p(95)"]', trendStats);
  }
  const duration = state['testRunDurationMs'] ?? 0;
  if (typeof duration !== 'number') throw fault(`${where}.state.testRunDurationMs`, 'a number', duration);
  return {
    root_group: data['root_group'] === undefined ? readGroup({}, `${where}.root_group`) : readGroup(data['root_group'], `${where}.root_group`),
    options: { summaryTrendStats: trendStats as string[], summaryTimeUnit: null, noColor: options['noColor'] === true },
    state: { isStdOutTTY: state['isStdOutTTY'] === true, isStdErrTTY: state['isStdErrTTY'] === true, testRunDurationMs: duration },
    metrics,
  };
}

function readMetric(value: unknown, where: string): SummaryMetric {
  const metric = record(value, where, 'a metric: { type, contains, values }');
  const type = metric['type'];
  if (!TYPES.includes(type as MetricType)) throw fault(`${where}.type`, `one of ${TYPES.join(', ')}`, type);
  const contains = metric['contains'] ?? 'default';
  if (!KINDS.includes(contains as ValueKind)) throw fault(`${where}.contains`, `one of ${KINDS.join(', ')}`, contains);
  const values: Record<string, number> = {};
  for (const [name, number] of Object.entries(record(metric['values'], `${where}.values`, 'an object of numbers'))) {
    if (typeof number !== 'number') throw fault(`${where}.values[${JSON.stringify(name)}]`, 'a number', number);
    values[name] = number;
  }
  const read: SummaryMetric = { type: type as MetricType, contains: contains as ValueKind, values };
  if (metric['thresholds'] !== undefined) {
    read.thresholds = {};
    for (const [source, outcome] of Object.entries(record(metric['thresholds'], `${where}.thresholds`, 'an object of { ok } by expression'))) {
      const ok = record(outcome, `${where}.thresholds[${JSON.stringify(source)}]`, '{ ok: true | false }')['ok'];
      if (typeof ok !== 'boolean') throw fault(`${where}.thresholds[${JSON.stringify(source)}].ok`, 'true or false', ok);
      read.thresholds[source] = { ok };
    }
  }
  if (metric['noSamples'] === true) read.noSamples = true;
  return read;
}

function readGroup(value: unknown, where: string): SummaryGroup {
  const group = record(value, where, 'a group: { name, groups, checks }');
  const list = (field: string): unknown[] => {
    const items = group[field] ?? [];
    if (!Array.isArray(items)) throw fault(`${where}.${field}`, 'a list', items);
    return items;
  };
  const text = (field: string): string => (typeof group[field] === 'string' ? (group[field] as string) : '');
  return {
    name: text('name'),
    path: text('path'),
    id: text('id'),
    groups: list('groups').map((child, i) => readGroup(child, `${where}.groups[${i}]`)),
    checks: list('checks').map((check, i) => readCheck(check, `${where}.checks[${i}]`)),
  };
}

function readCheck(value: unknown, where: string): SummaryCheck {
  const check = record(value, where, 'a check: { name, passes, fails }');
  const count = (field: string): number => {
    const number = check[field];
    if (typeof number !== 'number') throw fault(`${where}.${field}`, 'a number', number);
    return number;
  };
  if (typeof check['name'] !== 'string') throw fault(`${where}.name`, 'a string', check['name']);
  return { name: check['name'], path: String(check['path'] ?? ''), id: String(check['id'] ?? ''), passes: count('passes'), fails: count('fails') };
}

function record(value: unknown, where: string, expected: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw fault(where, expected, value);
  return value as Record<string, unknown>;
}

function optionalRecord(value: unknown, where: string): Record<string, unknown> {
  return value === undefined ? {} : record(value, where, 'an object');
}

function fault(where: string, expected: string, got: unknown): TypeError {
  const shown = got === undefined ? 'undefined' : got === null ? 'null' : Array.isArray(got) ? 'a list' : typeof got === 'object' ? 'an object' : JSON.stringify(got);
  return new TypeError(`${where} must be ${expected}, got ${shown}`);
}
