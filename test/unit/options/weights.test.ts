import { describe, expect, it } from 'vitest';
import { mergeLayers, optionsOf, overridesLayer, scriptLayer } from '../../../src/options/layers.js';
import { planScenarios } from '../../../src/options/scenarios.js';
import { splitByWeight } from '../../../src/options/weights.js';
import { thrownWskError } from '../wsk-error.js';

const USERS = {
  browse: { weight: 7, exec: 'browse', tags: { kind: 'reader' } },
  buy: { weight: 2, exec: 'buy', tags: { kind: 'buyer', flow: 'checkout' } },
  admin: { weight: 1, exec: 'admin', tags: { kind: 'staff' } },
};

/** The options a run would plan from: the script's, with command-line overrides over them. */
function plan(script: Record<string, unknown>, overrides: Parameters<typeof overridesLayer>[0] = {}, selection?: Parameters<typeof planScenarios>[1]) {
  return planScenarios(optionsOf(mergeLayers([scriptLayer(script), overridesLayer(overrides)])), selection);
}


describe('splitByWeight', () => {
  it('gives whole shares that add up to the total, the largest remainders first', () => {
    expect(splitByWeight(20, [7, 2, 1])).toEqual([14, 4, 2]);
    expect(splitByWeight(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitByWeight(7, [0.5, 0.25, 0.25])).toEqual([3, 2, 2]);
    expect(splitByWeight(0, [3, 1])).toEqual([0, 0]);
  });
});

describe('weighted scenarios', () => {
  it('share the VUs of --vus and --duration in proportion: 7/2/1 of 20 are 14/4/2', () => {
    const planned = plan({ scenarios: USERS }, { vus: 20, duration: '1m' });
    expect(planned.map((s) => [s.name, s.executor, 'vus' in s ? s.vus : undefined, 'durationMs' in s ? s.durationMs : undefined, s.exec])).toEqual([
      ['browse', 'constant-vus', 14, 60_000, 'browse'],
      ['buy', 'constant-vus', 4, 60_000, 'buy'],
      ['admin', 'constant-vus', 2, 60_000, 'admin'],
    ]);
    expect(planned[1]!.tags).toEqual({ kind: 'buyer', flow: 'checkout' });
  });

  it('take the load from the script\'s own vus and duration too, and each ramps its share of every stage', () => {
    expect(plan({ vus: 10, duration: '30s', scenarios: USERS }).map((s) => ('vus' in s ? s.vus : 0))).toEqual([7, 2, 1]);
    const ramps = plan({ scenarios: USERS }, { stages: [{ duration: '10s', target: 20 }, { duration: '10s', target: 10 }] });
    expect(ramps.map((s) => (s.executor === 'ramping-vus' ? s.stages.map((stage) => stage.target) : []))).toEqual([
      [14, 7],
      [4, 2],
      [2, 1],
    ]);
  });

  it('share iterations as they share VUs', () => {
    const planned = plan({ scenarios: USERS }, { vus: 10, iterations: 100 });
    expect(planned.map((s) => (s.executor === 'shared-iterations' ? [s.vus, s.iterations] : []))).toEqual([
      [7, 70],
      [2, 20],
      [1, 10],
    ]);
  });

  it('run beside scenarios that bring their own load', () => {
    const planned = plan({ scenarios: { ...USERS, warmup: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } }, { vus: 10, duration: '5s' });
    expect(planned.map((s) => [s.name, s.executor])).toEqual([
      ['browse', 'constant-vus'],
      ['buy', 'constant-vus'],
      ['admin', 'constant-vus'],
      ['warmup', 'per-vu-iterations'],
    ]);
  });

  it('are refused, naming the scenario, when the VUs cannot give every weight one', () => {
    expect(thrownWskError(() => plan({ scenarios: USERS }, { vus: 3, duration: '1m' })).message).toBe(
      'options.scenarios.admin: weight 1 gets no VU of the 3 VUs (weights 7/2/1); use more VUs (at least 6) or other weights',
    );
  });

  it('are refused without a load to share, with a bad weight, or with a load of their own', () => {
    expect(thrownWskError(() => plan({ scenarios: USERS })).message).toMatch(/^options\.scenarios: the weighted scenarios "browse", "buy", "admin" share the load the options give, and they give none; set vus with duration/);
    expect(thrownWskError(() => plan({ scenarios: { a: { weight: -1 } } }, { vus: 2, duration: '1s' })).message).toMatch(/^options\.scenarios\.a\.weight: invalid value -1; use a number > 0/);
    expect(thrownWskError(() => plan({ scenarios: { a: { weight: 1, executor: 'constant-vus', vus: 3 } } }, { vus: 2, duration: '1s' })).message).toMatch(
      /^options\.scenarios\.a: unknown option "executor" for a weighted scenario/,
    );
  });
});

describe('selecting scenarios', () => {
  const options = { scenarios: { ...USERS }, vus: 20, duration: '1m' };

  it('--scenario keeps the scenarios it names; the selected weights share the VUs', () => {
    expect(plan(options, {}, { names: ['browse', 'admin'], tags: [], excludeTags: [] }).map((s) => [s.name, 'vus' in s ? s.vus : 0])).toEqual([
      ['browse', 18],
      ['admin', 2],
    ]);
  });

  it('--tags keeps scenarios with a tag of that name, value or name=value; --exclude-tags leaves them out', () => {
    const names = (tags: string[], excludeTags: string[]): string[] => plan(options, {}, { names: [], tags, excludeTags }).map((s) => s.name);
    expect(names(['reader'], [])).toEqual(['browse']);
    expect(names(['flow'], [])).toEqual(['buy']);
    expect(names(['kind=staff', 'kind=buyer'], [])).toEqual(['buy', 'admin']);
    expect(names([], ['staff'])).toEqual(['browse', 'buy']);
  });

  it('a name that is no scenario, and a selection that keeps none, are errors that list what there is', () => {
    expect(thrownWskError(() => plan(options, {}, { names: ['checkout'], tags: [], excludeTags: [] })).message).toBe(
      '--scenario "checkout": no such scenario; the scenarios are browse, buy, admin',
    );
    expect(thrownWskError(() => plan(options, {}, { names: [], tags: ['nightly'], excludeTags: [] })).message).toBe(
      '--tags nightly leaves no scenario to run; the scenarios and their tags: browse (kind=reader); buy (kind=buyer, flow=checkout); admin (kind=staff)',
    );
    expect(thrownWskError(() => plan({ vus: 1, duration: '1s' }, {}, { names: [], tags: ['x'], excludeTags: [] })).exitCode).toBe(104);
  });
});
