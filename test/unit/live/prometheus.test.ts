/**
 * The Prometheus output: the exposition text of the report fixture, line by line for one metric of
 * each type, parsed back by a small parser of the 0.0.4 text format; escaping; and the endpoint
 * on a real server (127.0.0.1, port 0).
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { escapeLabelValue, formatNumber, prometheusText, sanitizeName } from '../../../src/live/exposition.js';
import { startPrometheus } from '../../../src/live/prometheus.js';
import type { RunResults } from '../../../src/results/types.js';
import { fixtureResults } from '../report/fixture.js';
import { getOnce } from './sse.js';

interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface ParsedFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: ParsedSample[];
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const SUFFIXES: Readonly<Record<string, readonly string[]>> = { summary: ['', '_sum', '_count'], counter: [''], gauge: [''] };

/**
 * Parses the text format strictly: HELP then TYPE before a family's samples, every sample of a
 * family together and named by it (or its _sum/_count for a summary), labels quoted and escaped
 * as the format says, values that parse as floats, no series twice, a newline at the end.
 */
function parseExposition(text: string): Map<string, ParsedFamily> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, ParsedFamily>();
  const series = new Set<string>();
  let current: ParsedFamily | undefined;
  let help: [string, string] | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (comment?.[1] === 'HELP') {
      help = [comment[2]!, comment[3]!.replace(/\\n/g, '\n').replace(/\\\\/g, '\\')];
      continue;
    }
    if (comment?.[1] === 'TYPE') {
      const [, , name = '', type = ''] = comment;
      expect(help?.[0]).toBe(name);
      expect(families.has(name)).toBe(false);
      expect(['counter', 'gauge', 'summary']).toContain(type);
      current = { name, type, help: help?.[1] ?? '', samples: [] };
      families.set(name, current);
      continue;
    }
    const match = SAMPLE.exec(line);
    expect(match, line).not.toBeNull();
    const [, name = '', labelText = '', valueText = ''] = match!;
    expect(current, line).toBeDefined();
    expect(SUFFIXES[current!.type]?.map((suffix) => `${current!.name}${suffix}`), line).toContain(name);
    const labels = parseLabels(labelText);
    expect(/^(?:[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+)|NaN|[+-]Inf)$/i.test(valueText), line).toBe(true);
    const key = `${name}${JSON.stringify(labels)}`;
    expect(series.has(key), `${line} appears twice`).toBe(false);
    series.add(key);
    current!.samples.push({ name, labels, value: valueText === '+Inf' ? Infinity : Number(valueText) });
  }
  return families;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const match = LABEL.exec(rest);
    expect(match, `labels ${text}`).not.toBeNull();
    const [whole, name = '', escaped = ''] = match!;
    labels[name] = escaped.replace(/\\(.)/g, (_, character: string) => (character === 'n' ? '\n' : character));
    rest = rest.slice(whole.length);
  }
  return labels;
}

/** The lines of one family as written: HELP, TYPE, samples. */
function block(text: string, family: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`# HELP ${family} `));
  expect(start, family).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, i) => i > start + 1 && line.startsWith('# HELP '));
  return lines.slice(start, end === -1 ? lines.length - 1 : end);
}

const text = prometheusText(fixtureResults().metrics);

describe('prometheusText', () => {
  it('writes a counter as <name>_total', () => {
    expect(block(text, 'wsk_iterations_total')).toEqual([
      '# HELP wsk_iterations_total wsk counter iterations',
      '# TYPE wsk_iterations_total counter',
      'wsk_iterations_total 1180',
    ]);
    expect(block(text, 'wsk_data_received_total')).toEqual([
      '# HELP wsk_data_received_total wsk counter data_received, in bytes',
      '# TYPE wsk_data_received_total counter',
      'wsk_data_received_total 12400000',
    ]);
  });

  it('writes a gauge with its current value', () => {
    expect(block(text, 'wsk_vus')).toEqual(['# HELP wsk_vus wsk gauge vus', '# TYPE wsk_vus gauge', 'wsk_vus 0']);
  });

  it('writes a rate as a gauge of the ratio and counters of passes and samples', () => {
    expect([...block(text, 'wsk_http_req_failed'), ...block(text, 'wsk_http_req_failed_passes_total'), ...block(text, 'wsk_http_req_failed_samples_total')]).toEqual([
      '# HELP wsk_http_req_failed wsk rate http_req_failed: the ratio of non-zero samples',
      '# TYPE wsk_http_req_failed gauge',
      'wsk_http_req_failed 0.02',
      '# HELP wsk_http_req_failed_passes_total wsk rate http_req_failed: non-zero samples',
      '# TYPE wsk_http_req_failed_passes_total counter',
      'wsk_http_req_failed_passes_total 4',
      '# HELP wsk_http_req_failed_samples_total wsk rate http_req_failed: samples',
      '# TYPE wsk_http_req_failed_samples_total counter',
      'wsk_http_req_failed_samples_total 200',
    ]);
  });

  it('writes a time trend as a summary in seconds, its submetric as the same family with a label', () => {
    // The fixture's trends hold no p(99): that quantile is left out rather than made up.
    expect(block(text, 'wsk_ws_req_ttfr')).toEqual([
      '# HELP wsk_ws_req_ttfr wsk trend ws_req_ttfr, in seconds',
      '# TYPE wsk_ws_req_ttfr summary',
      'wsk_ws_req_ttfr{quantile="0.5"} 0.055',
      'wsk_ws_req_ttfr{quantile="0.9"} 0.14025',
      'wsk_ws_req_ttfr{quantile="0.95"} 0.1605',
      'wsk_ws_req_ttfr_sum 144.55',
      'wsk_ws_req_ttfr_count 2360',
      'wsk_ws_req_ttfr{name="login",quantile="0.5"} 0.14',
      'wsk_ws_req_ttfr{name="login",quantile="0.9"} 0.38',
      'wsk_ws_req_ttfr{name="login",quantile="0.95"} 0.4005',
      'wsk_ws_req_ttfr_sum{name="login"} 15.05',
      'wsk_ws_req_ttfr_count{name="login"} 100',
    ]);
    // A trend of plain numbers keeps its unit.
    expect(block(text, 'wsk_queue_depth')[2]).toBe('wsk_queue_depth{quantile="0.5"} 4');
  });

  it('writes all four quantiles when the results hold p(99), as a run\'s results do', () => {
    const metrics: RunResults['metrics'] = {
      'http_req_duration{status:200}': {
        type: 'trend',
        contains: 'time',
        values: { avg: 20, min: 2, med: 18, max: 250, 'p(90)': 40, 'p(95)': 55, 'p(99)': 120, count: 0 },
      },
    };
    expect(prometheusText(metrics).split('\n')).toEqual([
      '# HELP wsk_http_req_duration wsk trend http_req_duration, in seconds',
      '# TYPE wsk_http_req_duration summary',
      'wsk_http_req_duration{status="200",quantile="0.5"} 0.018',
      'wsk_http_req_duration{status="200",quantile="0.9"} 0.04',
      'wsk_http_req_duration{status="200",quantile="0.95"} 0.055',
      'wsk_http_req_duration{status="200",quantile="0.99"} 0.12',
      'wsk_http_req_duration_sum{status="200"} 0',
      'wsk_http_req_duration_count{status="200"} 0',
      '',
    ]);
  });

  it('parses back: every family declared once, its samples together, values matching the results', () => {
    const families = parseExposition(text);
    expect([...families.keys()]).toEqual([
      'wsk_checks',
      'wsk_checks_passes_total',
      'wsk_checks_samples_total',
      'wsk_data_received_total',
      'wsk_data_sent_total',
      'wsk_http_req_duration',
      'wsk_http_req_failed',
      'wsk_http_req_failed_passes_total',
      'wsk_http_req_failed_samples_total',
      'wsk_http_reqs_total',
      'wsk_iteration_duration',
      'wsk_iterations_total',
      'wsk_queue_depth',
      'wsk_vus',
      'wsk_ws_connecting',
      'wsk_ws_errors_total',
      'wsk_ws_msgs_received_total',
      'wsk_ws_msgs_sent_total',
      'wsk_ws_req_ttfr',
    ]);
    const counts = families.get('wsk_ws_req_ttfr')?.samples.filter((sample) => sample.name === 'wsk_ws_req_ttfr_count');
    expect(counts).toEqual([
      { name: 'wsk_ws_req_ttfr_count', labels: {}, value: 2360 },
      { name: 'wsk_ws_req_ttfr_count', labels: { name: 'login' }, value: 100 },
    ]);
    expect(families.get('wsk_ws_connecting')?.help).toBe('wsk trend ws_connecting, in seconds');
  });

  it('escapes label values, sanitizes names, and keeps user tags off the labels Prometheus owns', () => {
    const metrics: RunResults['metrics'] = {
      'ws_errors{error:\'say "hi"\\now\nthen\'}': { type: 'counter', contains: 'default', values: { count: 2, rate: 1 } },
      "my_trend{quantile:'high',__name__:x}": { type: 'trend', contains: 'default', values: { med: 1, avg: 1, count: 1 } },
      'ws_errors{error:refused}': { type: 'counter', contains: 'default', values: { count: 5, rate: 1 } },
    };
    const exposition = prometheusText(metrics);
    const families = parseExposition(exposition);
    expect(families.get('wsk_ws_errors_total')?.samples).toEqual([
      { name: 'wsk_ws_errors_total', labels: { error: 'refused' }, value: 5 },
      { name: 'wsk_ws_errors_total', labels: { error: 'say "hi"\\now\nthen' }, value: 2 },
    ]);
    expect(exposition).toContain('wsk_ws_errors_total{error="say \\"hi\\"\\\\now\\nthen"} 2\n');
    expect(exposition).toContain('wsk_my_trend{tag_quantile="high",tag__name__="x",quantile="0.5"} 1\n');
    expect(sanitizeName('my-metric.v2')).toBe('my_metric_v2');
    expect(sanitizeName('2xx')).toBe('_2xx');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect([NaN, Infinity, -Infinity, 0.5, 1e21].map(formatNumber)).toEqual(['NaN', '+Inf', '-Inf', '0.5', '1e+21']);
  });

  it('writes nothing for no metrics', () => {
    expect(prometheusText({})).toBe('');
  });
});

describe('startPrometheus', () => {
  it('serves GET /metrics from a snapshot taken at each scrape; other paths 404, other methods 405', async () => {
    let results = fixtureResults();
    const endpoint = await startPrometheus({ host: '127.0.0.1', port: 0 }, { snapshot: () => results });
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const scrape = await getOnce(endpoint.url);
    expect(scrape.status).toBe(200);
    expect(scrape.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(scrape.body).toBe(text);

    results = { ...results, metrics: { ...results.metrics, iterations: { type: 'counter', contains: 'default', values: { count: 1500, rate: 20 } } } };
    expect((await getOnce(endpoint.url)).body).toContain('\nwsk_iterations_total 1500\n');

    expect((await getOnce(endpoint.url.replace(/metrics$/, ''))).status).toBe(404);
    const post = await fetch(endpoint.url, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    await endpoint.close();
    await expect(fetch(endpoint.url)).rejects.toThrow();
    await endpoint.close();
  });

  it('fails with one line naming host:port and the reason when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const error: unknown = await startPrometheus({ host: '127.0.0.1', port }, { snapshot: () => fixtureResults() }).catch((caught: unknown) => caught);
    await new Promise((resolve) => blocker.close(resolve));
    expect(error).toBeInstanceOf(WskError);
    expect((error as WskError).message).toBe(`--out prometheus: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  });
});
