import { describe, expect, it } from 'vitest';
import { mergeOptions } from '../../../src/run/options.js';

describe('mergeOptions', () => {
  const script = {
    vus: 10,
    iterations: 100,
    scenarios: { a: { executor: 'per-vu-iterations' as const, iterations: 1 } },
    thresholds: { checks: ['rate>0.9'] },
  };

  it('keeps the script options when no flag overrides them', () => {
    expect(mergeOptions(script, {})).toEqual(script);
  });

  it.each([
    [{ vus: 3 }, { vus: 3, iterations: 100 }],
    [{ duration: '5s' }, { vus: 10, duration: '5s' }],
    [{ iterations: 7 }, { vus: 10, iterations: 7 }],
    [{ stages: [{ duration: '1s', target: 2 }] }, { vus: 10, stages: [{ duration: '1s', target: 2 }] }],
    [{ vus: 2, duration: '1s' }, { vus: 2, duration: '1s' }],
  ])('flags %j replace the scenarios and the script\'s run length', (overrides, expected) => {
    expect(mergeOptions(script, overrides)).toEqual({ ...expected, thresholds: script.thresholds });
  });

  it('works without script options', () => {
    expect(mergeOptions(undefined, { vus: 1 })).toEqual({ vus: 1 });
  });
});
