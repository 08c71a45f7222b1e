/**
 * The run's metrics in Prometheus's text exposition format 0.0.4, for `--out prometheus`.
 *
 *   counter  wsk_<name>_total                        counter
 *   gauge    wsk_<name>                              gauge
 *   rate     wsk_<name>                              gauge, the ratio of non-zero samples
 *            wsk_<name>_passes_total, _samples_total counters
 *   trend    wsk_<name>{quantile="0.5|0.9|0.95|0.99"} summary, with wsk_<name>_sum and _count
 *
 * Names are sanitized to [a-zA-Z0-9_:]. A submetric key ('http_req_duration{name:login}') becomes
 * the metric's sample with labels ({name="login"}). Values of time metrics are in seconds, as
 * Prometheus's conventions ask (wsk keeps milliseconds); data stays in bytes. A trend quantile the
 * results do not hold (summaryTrendStats without p(99), say) is left out rather than made up.
 */
import { WskError } from '../errors.js';
import type { MetricResult, RunResults } from '../results/types.js';
import { parseMetricKey } from '../thresholds/index.js';
import type { MetricType, Tags } from '../types.js';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const PREFIX = 'wsk_';
/** Quantile label → the trend stat that holds it. */
const QUANTILES: readonly (readonly [string, readonly string[]])[] = [
  ['0.5', ['med', 'p(50)']],
  ['0.9', ['p(90)']],
  ['0.95', ['p(95)']],
  ['0.99', ['p(99)']],
];

type FamilyType = 'counter' | 'gauge' | 'summary';

/** One metric family: its HELP and TYPE lines once, then its samples. */
interface Family {
  readonly name: string;
  readonly type: FamilyType;
  readonly help: string;
  /** Sample lines by label set, so two keys that mean the same series are written once. */
  readonly samples: Map<string, string[]>;
}

export function prometheusText(metrics: RunResults['metrics']): string {
  const families = new Map<string, Family>();
  const entries = Object.entries(metrics).map(([key, metric]) => ({ ...splitKey(key), metric }));
  // The whole metric first, then its submetrics, each family in one block.
  entries.sort((a, b) => compare(a.name, b.name) || compare(labelText(a.tags, a.metric.type), labelText(b.tags, b.metric.type)));
  for (const { name, tags, metric } of entries) {
    for (const family of familiesOf(name, tags, metric)) {
      const known = families.get(family.name);
      // Sanitizing can map two metrics on one name; a family of two types would spoil the whole scrape.
      if (known === undefined) families.set(family.name, { ...family, samples: new Map([[family.labels, family.lines]]) });
      else if (known.type === family.type && !known.samples.has(family.labels)) known.samples.set(family.labels, family.lines);
    }
  }
  const blocks = [...families.values()].map((family) => {
    const lines = [`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`];
    for (const samples of family.samples.values()) lines.push(...samples);
    return lines.join('\n');
  });
  return blocks.length === 0 ? '' : `${blocks.join('\n')}\n`;
}

interface FamilyPart {
  readonly name: string;
  readonly type: FamilyType;
  readonly help: string;
  readonly labels: string;
  readonly lines: string[];
}

/** One line of a family: a suffix of its name ('_sum'), a label of its own (quantile), the value; none when undefined. */
interface Sample {
  readonly suffix?: string;
  readonly label?: string;
  readonly value: number | undefined;
}

function familiesOf(metricName: string, tags: Tags, metric: MetricResult): FamilyPart[] {
  const base = `${PREFIX}${sanitizeName(metricName)}`;
  const labels = labelText(tags, metric.type);
  const unit = metric.contains === 'time' ? ', in seconds' : metric.contains === 'data' ? ', in bytes' : '';
  // Dividing (not multiplying by 0.001) keeps 18 ms as 0.018 rather than 0.018000000000000002.
  const perUnit = metric.contains === 'time' ? 1000 : 1;
  const value = (stat: string): number | undefined => metric.values[stat];
  const scaled = (stat: string): number | undefined => {
    const raw = value(stat);
    return raw === undefined ? undefined : raw / perUnit;
  };
  const family = (name: string, type: FamilyType, what: string, samples: readonly Sample[]): FamilyPart => ({
    name,
    type,
    help: `wsk ${metric.type} ${metricName}${what}${unit}`,
    labels,
    lines: samples.flatMap(({ suffix = '', label = '', value: sampleValue }) =>
      sampleValue === undefined ? [] : [`${name}${suffix}${labelSet(labels, label)} ${formatNumber(sampleValue)}`],
    ),
  });
  switch (metric.type) {
    case 'counter':
      return [family(`${base}_total`, 'counter', '', [{ value: scaled('count') }])];
    case 'gauge':
      return [family(base, 'gauge', '', [{ value: scaled('value') }])];
    case 'rate': {
      const passes = value('passes');
      const fails = value('fails');
      return [
        family(base, 'gauge', ': the ratio of non-zero samples', [{ value: value('rate') }]),
        family(`${base}_passes_total`, 'counter', ': non-zero samples', [{ value: passes }]),
        family(`${base}_samples_total`, 'counter', ': samples', [{ value: passes === undefined || fails === undefined ? undefined : passes + fails }]),
      ];
    }
    case 'trend': {
      const count = value('count');
      const avg = value('avg');
      const quantiles = QUANTILES.map(([quantile, stats]): Sample => {
        const stat = stats.find((name) => value(name) !== undefined);
        return { label: `quantile="${quantile}"`, value: stat === undefined ? undefined : scaled(stat) };
      });
      // The summary has no sum; the average times the count gives it back.
      const sum = count === undefined || avg === undefined ? undefined : count === 0 ? 0 : (avg * count) / perUnit;
      return [family(base, 'summary', '', [...quantiles, { suffix: '_sum', value: sum }, { suffix: '_count', value: count }])];
    }
  }
}

/** 'http_req_duration{name:login}' → the metric and its tags; a key that is no such thing is one name. */
function splitKey(key: string): { name: string; tags: Tags } {
  if (!key.includes('{')) return { name: key, tags: {} };
  try {
    const { metric, tags } = parseMetricKey(key);
    return { name: metric, tags };
  } catch (error) {
    // Keys come from thresholds that parsed; anything else still gets a (sanitized) name of its own.
    if (error instanceof WskError) return { name: key, tags: {} };
    throw error;
  }
}

/** The label set as written inside {}, in the key's order; '' for none. */
function labelText(tags: Tags, type: MetricType): string {
  return Object.entries(tags)
    .map(([tag, value]) => `${labelName(tag, type)}="${escapeLabelValue(value)}"`)
    .join(',');
}

function labelSet(labels: string, extra: string): string {
  const all = [labels, extra].filter((text) => text !== '').join(',');
  return all === '' ? '' : `{${all}}`;
}

export function sanitizeName(name: string): string {
  const sanitized = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(sanitized) ? `_${sanitized}` : sanitized;
}

/** Label names allow no ':'; '__' starts Prometheus's own; a summary's 'quantile' is taken. */
function labelName(tag: string, type: MetricType): string {
  const sanitized = tag.replace(/[^a-zA-Z0-9_]/g, '_');
  const name = /^[0-9]/.test(sanitized) || sanitized === '' ? `_${sanitized}` : sanitized;
  return name.startsWith('__') || (type === 'trend' && name === 'quantile') ? `tag${name.startsWith('_') ? '' : '_'}${name}` : name;
}

export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
