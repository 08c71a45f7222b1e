import { describe, expect, it } from 'vitest';
import { readSummaryData } from '../../../src/summary/read.js';

describe('readSummaryData', () => {
  it('needs only metrics, and fills in the rest', () => {
    const data = readSummaryData({ metrics: { hits: { type: 'counter', values: { count: 2, rate: 1 } } } }, 'data');
    expect(data.metrics['hits']).toEqual({ type: 'counter', contains: 'default', values: { count: 2, rate: 1 } });
    expect(data.root_group).toEqual({ name: '', path: '', id: '', groups: [], checks: [] });
    expect(data.options.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect(data.state.testRunDurationMs).toBe(0);
  });

  it('keeps thresholds, checks and the stats a script chose', () => {
    const data = readSummaryData(
      {
        metrics: { checks: { type: 'rate', contains: 'default', values: { rate: 1, passes: 1, fails: 0 }, thresholds: { 'rate>0.9': { ok: true } } } },
        root_group: { name: '', groups: [{ name: 'g', checks: [{ name: 'ok', passes: 1, fails: 0 }] }], checks: [] },
        options: { summaryTrendStats: ['p(99)'] },
        state: { testRunDurationMs: 1500 },
      },
      'data',
    );
    expect(data.metrics['checks']?.thresholds).toEqual({ 'rate>0.9': { ok: true } });
    expect(data.root_group.groups[0]?.checks).toEqual([{ name: 'ok', path: '', id: '', passes: 1, fails: 0 }]);
    expect(data.options.summaryTrendStats).toEqual(['p(99)']);
    expect(data.state.testRunDurationMs).toBe(1500);
  });

  const bad: [what: string, value: unknown, message: string][] = [
    ['not an object', 'x', 'data must be the object handleSummary(data) receives, got "x"'],
    ['no metrics', {}, 'data.metrics must be an object of metrics by name, got undefined'],
    ['an unknown type', { metrics: { m: { type: 'histogram', values: {} } } }, 'data.metrics["m"].type must be one of counter, gauge, rate, trend, got "histogram"'],
    ['a value that is no number', { metrics: { m: { type: 'counter', values: { count: '2' } } } }, 'data.metrics["m"].values["count"] must be a number, got "2"'],
    ['a threshold without ok', { metrics: { m: { type: 'rate', values: {}, thresholds: { 'rate>0': {} } } } }, 'data.metrics["m"].thresholds["rate>0"].ok must be true or false, got undefined'],
    ['checks that are no list', { metrics: {}, root_group: { checks: {} } }, 'data.root_group.checks must be a list, got an object'],
    ['trend stats that are no list', { metrics: {}, options: { summaryTrendStats: 'avg' } }, 'data.options.summaryTrendStats must be a list of stats such as ["avg", "p(95)"], got "avg"'],
  ];
  it.each(bad)('refuses %s with a TypeError naming the field', (_what, value, message) => {
    expect(() => readSummaryData(value, 'data')).toThrow(new TypeError(message));
  });
});
