import { describe, expect, it } from 'vitest';
import { SampleTags } from '../../../src/worker/sample-tags.js';

const scenarios = [{ name: 'browse', exec: 'default', tags: { scenario: 'browse', team: 'a' } }];

describe("SampleTags with a VU's own tags (exec.vu.tags)", () => {
  it('puts them over the scenario and group, under the call’s own tags', () => {
    const tags = new SampleTags(scenarios, undefined);
    const vuTags = Object.freeze({ flow: 'checkout', team: 'b' });
    expect(tags.sample(0, '::cart', null, vuTags)).toEqual({ scenario: 'browse', team: 'b', group: '::cart', flow: 'checkout' });
    expect(tags.sample(0, '', { flow: 'call' }, vuTags)).toEqual({ scenario: 'browse', team: 'b', group: '', flow: 'call' });
    expect(tags.series(0, '', null, vuTags)).toEqual({ scenario: 'browse', team: 'b', group: '', flow: 'checkout' });
    expect(tags.sample(0, '', null)).toEqual({ scenario: 'browse', team: 'a', group: '' });
  });

  it('makes the tags of a VU’s samples once for each tags object the VU has, scenario and group', () => {
    const tags = new SampleTags(scenarios, undefined);
    const first = Object.freeze({ flow: 'x' });
    expect(tags.sample(0, '', null, first)).toBe(tags.sample(0, '', null, first));
    expect(tags.series(0, '', null, first)).toBe(tags.series(0, '', null, first));
    expect(tags.sample(0, '', null, Object.freeze({ flow: 'y' }))).toEqual({ scenario: 'browse', team: 'a', group: '', flow: 'y' });
  });

  it('drops the system tags options.systemTags leaves out from the series, also when the VU set them', () => {
    const tags = new SampleTags(scenarios, ['group']);
    expect(tags.series(0, '', null, Object.freeze({ scenario: 'mine', flow: 'x' }))).toEqual({ team: 'a', group: '', flow: 'x' });
  });
});
