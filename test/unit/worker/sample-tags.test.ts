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

  it("shares one frozen object among calls with the same own tags over the same base, whatever object holds them", () => {
    const tags = new SampleTags(scenarios, undefined);
    const url = 'ws://127.0.0.1:1/a';
    const first = tags.sample(0, '', { url, name: url });
    expect(tags.sample(0, '', { url, name: url })).toBe(first);
    expect(first).toEqual({ scenario: 'browse', team: 'a', group: '', url, name: url });
    expect(Object.isFrozen(first)).toBe(true);
    // Another value, another order of the same names, another group, another VU's tags: other objects.
    const others = [
      tags.sample(0, '', { url: 'ws://127.0.0.1:1/b', name: url }),
      tags.sample(0, '', { name: url, url }),
      tags.sample(0, '::g', { url, name: url }),
      tags.sample(0, '', { url, name: url }, Object.freeze({ flow: 'x' })),
    ];
    // Tag sets that would read the same if names and values were joined with a separator.
    const joined = tags.sample(0, '', { a: 'x\u0000b\u0000y' });
    expect(tags.sample(0, '', { a: 'x', b: 'y' })).toEqual({ scenario: 'browse', team: 'a', group: '', a: 'x', b: 'y' });
    expect(tags.sample(0, '', { a: 'x\u0000b\u0000y' })).toBe(joined);
    const lengths = tags.sample(0, '', { a: '1:b' });
    expect(tags.sample(0, '', { a: '', b: '' })).not.toBe(lengths);
    for (const other of others) expect(other).not.toBe(first);
    expect(others[1]).toEqual(first);
  });

  it('makes the tags of calls with ever new own tags anew past a bound, still right', () => {
    const tags = new SampleTags(scenarios, undefined);
    for (let i = 0; i < 1500; i++) expect(tags.sample(0, '', { id: String(i) })).toEqual({ scenario: 'browse', team: 'a', group: '', id: String(i) });
    expect(tags.sample(0, '', { id: '5' })).toBe(tags.sample(0, '', { id: '5' }));
    expect(tags.sample(0, '', { id: '1400' })).not.toBe(tags.sample(0, '', { id: '1400' }));
  });

  it('drops the system tags options.systemTags leaves out from the series, also when the VU set them', () => {
    const tags = new SampleTags(scenarios, ['group']);
    expect(tags.series(0, '', null, Object.freeze({ scenario: 'mine', flow: 'x' }))).toEqual({ team: 'a', group: '', flow: 'x' });
  });
});
