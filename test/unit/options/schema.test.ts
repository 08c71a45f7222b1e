import { describe, expect, it } from 'vitest';
import { SCRIPT_OPTION_KEYS, closestName, editDistance } from '../../../src/options/schema.js';
import { defaultsLayer, mergeLayers, optionsOf, overridesLayer, runSettingsLayer, scriptLayer, sourcesOf } from '../../../src/options/layers.js';
import { planScenarios } from '../../../src/options/scenarios.js';
import type { ScriptOptions } from '../../../src/types.js';
import { thrownWskError } from '../wsk-error.js';


describe('unknown keys', () => {
  it.each<[Record<string, unknown>, string]>([
    [{ treshholds: {} }, '"treshholds" in script options: unknown option; did you mean "thresholds"?'],
    [{ vu: 2 }, '"vu" in script options: unknown option; did you mean "vus"?'],
    [{ senarios: {} }, '"senarios" in script options: unknown option; did you mean "scenarios"?'],
    [{ summaryTrendStat: [] }, '"summaryTrendStat" in script options: unknown option; did you mean "summaryTrendStats"?'],
    [{ wibble: 1 }, '"wibble" in script options: unknown option; it is neither a wsk nor a k6 option'],
    [{ isolation: 'context' }, '"isolation" in script options: unknown option; it is neither a wsk nor a k6 option'],
  ])('at the top level of %j', (options, message) => {
    const error = thrownWskError(() => scriptLayer(options));
    expect(error.message).toBe(message);
    expect(error.exitCode).toBe(104);
  });

  it('accepts the k6 options wsk does not act on', () => {
    const k6 = { summaryTimeUnit: 'ms', noCookiesReset: true, ext: { loadimpact: {} }, cloud: {}, rps: 10, dns: {}, throw: true, linger: false };
    expect(optionsOf(scriptLayer(k6))).toEqual(k6);
  });

  it('in a scenario, suggesting the closest key', () => {
    const scenario = (config: Record<string, unknown>): ScriptOptions => ({ scenarios: { api: config } }) as unknown as ScriptOptions;
    expect(thrownWskError(() => planScenarios(scenario({ execuotr: 'constant-vus', duration: '1s' }))).message).toMatch(
      /^options\.scenarios\.api: unknown option "execuotr" for a scenario; allowed: .*; did you mean "executor"\?$/,
    );
    expect(thrownWskError(() => planScenarios(scenario({ executor: 'constant-vus', duraton: '1s' }))).message).toBe(
      'options.scenarios.api: unknown option "duraton" for executor constant-vus; allowed: executor, startTime, gracefulStop, exec, env, tags, vus, duration; did you mean "duration"?',
    );
  });

  it('threshold keys are metric names, not options', () => {
    expect(() => scriptLayer({ thresholds: { my_custom_metric: ['count>0'] } })).not.toThrow();
  });
});

describe('did you mean', () => {
  it.each([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['treshholds', 'thresholds', 2],
    ['same', 'same', 0],
  ])('editDistance(%j, %j) = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('suggests only names close enough to be a typo', () => {
    expect(closestName('thresholdz', ['thresholds', 'tags'])).toBe('thresholds');
    expect(closestName('VUS', ['vus'])).toBe('vus');
    expect(closestName('x', ['ext', 'vus'])).toBeUndefined();
    expect(closestName('timeout', ['thresholds', 'tags'])).toBeUndefined();
  });
});

describe('merging layers', () => {
  const script = scriptLayer({ vus: 10, scenarios: { a: { executor: 'per-vu-iterations' } }, thresholds: { checks: ['rate>0.9'] } });

  it('keeps where each value came from, the command line over the script over the defaults', () => {
    const merged = mergeLayers([defaultsLayer(), script, overridesLayer({ vus: 3 }), runSettingsLayer({ isolation: 'context', workers: 2 })]);
    expect(optionsOf(merged)).toEqual({ vus: 3, thresholds: { checks: ['rate>0.9'] } });
    expect(sourcesOf(merged)).toEqual({
      isolation: '--isolation',
      callTimeoutMs: 'default',
      memoryLimitMb: 'default',
      outputs: 'default',
      bucketMs: 'default',
      summaryMode: 'default',
      serve: 'default',
      vus: '--vus',
      thresholds: 'script options',
      workers: '--workers',
    });
  });

  it('a layer that sets the run length replaces the lower layers\' duration, iterations, stages and scenarios', () => {
    const lower = scriptLayer({ vus: 5, iterations: 100, stages: [{ duration: '1s', target: 1 }], scenarios: {} });
    const merged = mergeLayers([lower, overridesLayer({ duration: '5s' })]);
    expect(optionsOf(merged)).toEqual({ vus: 5, duration: '5s' });
    expect(sourcesOf(merged)).toEqual({ vus: 'script options', duration: '--duration' });
  });

  it('a layer\'s own scenarios stand beside its own shortcuts', () => {
    expect(optionsOf(mergeLayers([defaultsLayer(), script]))['scenarios']).toEqual({ a: { executor: 'per-vu-iterations' } });
  });
});

describe('the Options type of `wsk`', () => {
  it('declares exactly the options the schema accepts', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL('../../../types/wsk/index.d.ts', import.meta.url), 'utf8');
    const body = /export interface Options \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
    const declared = [...body.matchAll(/^\s+(\w+)\?:/gm)].map((match) => match[1]);
    expect(declared.sort()).toEqual([...SCRIPT_OPTION_KEYS].sort());
  });
});
