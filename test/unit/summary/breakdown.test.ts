import { describe, expect, it } from 'vitest';
import { Metric } from '../../../src/metrics/builtin.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { SampleAggregator } from '../../../src/metrics/sink.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { buildBreakdown } from '../../../src/summary/breakdown.js';
import type { Tags } from '../../../src/types.js';

function store(): MetricStore {
  const registry = new MetricRegistry();
  const aggregator = new SampleAggregator();
  const add = (name: string, value: number, tags: Tags): void => aggregator.add(registry.get(name)!, value, tags);
  // The default scenario: a check at the top, a group 'login' with a nested 'step'.
  add(Metric.checks, 1, { scenario: 'default', group: '', check: 'top' });
  add(Metric.groupDuration, 5, { scenario: 'default', group: '::login::step' });
  add(Metric.groupDuration, 9, { scenario: 'default', group: '::login' });
  add(Metric.checks, 1, { scenario: 'default', group: '::login', check: 'token' });
  add(Metric.checks, 0, { scenario: 'default', group: '::login', check: 'token' });
  add(Metric.iterations, 2, { scenario: 'default', group: '' });
  add(Metric.dataSent, 100, { scenario: 'default', group: '::login::step' });
  // Another scenario, with a group of the same name as the default one's.
  add(Metric.iterations, 3, { scenario: 'spike', group: '' });
  add(Metric.checks, 1, { scenario: 'spike', group: '::login', check: 'token' });
  add(Metric.dataSent, 7, { scenario: 'spike', group: '::login' });
  // setup() runs in the lifecycle VU: in no section.
  add(Metric.dataSent, 1000, { scenario: 'setup', group: '' });
  const metrics = new MetricStore(registry);
  metrics.merge(aggregator.drain());
  return metrics;
}

describe('buildBreakdown', () => {
  const breakdown = buildBreakdown(store(), 1000, ['avg', 'max']);

  it('counts a sample in its own group only, with the groups nested as in the script', () => {
    const [login] = breakdown.groups;
    expect(breakdown.groups.map((group) => group.name)).toEqual(['login']);
    expect(login?.checks).toEqual([{ name: 'token', passes: 1, fails: 1 }]);
    expect(Object.keys(login?.metrics ?? {}).sort()).toEqual([Metric.checks, Metric.groupDuration]);
    expect(login?.metrics[Metric.groupDuration]?.values).toEqual({ avg: 9, max: 9 });
    const [step] = login?.groups ?? [];
    expect(step?.name).toBe('step');
    expect(step?.metrics[Metric.dataSent]).toEqual({ type: 'counter', contains: 'data', values: { count: 100, rate: 100 } });
  });

  it('gives every scenario but the default one its totals and its own groups', () => {
    expect(breakdown.scenarios.map((scenario) => scenario.name)).toEqual(['spike']);
    const [spike] = breakdown.scenarios;
    expect(spike?.metrics[Metric.iterations]?.values).toEqual({ count: 3, rate: 3 });
    expect(spike?.metrics[Metric.dataSent]?.values).toEqual({ count: 7, rate: 7 });
    expect(spike?.checks).toEqual([{ name: 'token', passes: 1, fails: 0 }]);
    expect(spike?.groups.map((group) => [group.name, group.metrics[Metric.dataSent]?.values['count']])).toEqual([['login', 7]]);
  });

  it('leaves the lifecycle functions and the samples outside any group out', () => {
    const everything = JSON.stringify(breakdown);
    expect(everything).not.toContain('1000');
    expect(everything).not.toContain('"top"');
  });
});
