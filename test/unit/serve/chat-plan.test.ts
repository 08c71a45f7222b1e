import { describe, expect, it } from 'vitest';
import { planReply, requestId } from '../../../src/serve/chat.js';
import { mulberry32 } from '../../../src/serve/random.js';

/** A generator that returns the given draws in order. */
function draws(...values: number[]): () => number {
  let next = 0;
  return () => {
    const value = values[next++];
    if (value === undefined) throw new Error('ran out of draws');
    return value;
  };
}

const options = { parts: 2, delayMs: 20, jitterMs: 10, dropRate: 0.1, garbleRate: 0.5 };

describe('chat reply plan', () => {
  it('draws drop, then delay and garble per part; the delays accumulate and done follows the last part', () => {
    // drop 0.5 ≥ 0.1: kept; part 0: delay 20 + (2*0-1)*10 = 10, 0.9 not garbled; part 1: delay 20 + (2*1-1)*10 = 30 → 40, 0.2 garbled.
    expect(planReply('a', options, draws(0.5, 0, 0.9, 1, 0.2))).toEqual([
      { atMs: 10, text: '{"id":"a","part":0,"text":"sure"}' },
      { atMs: 40, text: '{"id":"a","part":' }, // the first 17 of the 34 characters
      { atMs: 40, text: '{"id":"a","done":true}' },
    ]);
  });

  it('drops the whole reply when the first draw is below dropRate', () => {
    expect(planReply(7, options, draws(0.05))).toBeUndefined();
  });

  it('never waits a negative time when the jitter exceeds the delay', () => {
    const plan = planReply(1, { ...options, delayMs: 5, jitterMs: 20, dropRate: 0, garbleRate: 0 }, draws(0.5, 0, 0.9, 0, 0.9));
    expect(plan?.map((step) => step.atMs)).toEqual([0, 0, 0]);
  });

  it.each([
    ['{"id":"x","text":"hi"}', 'x'],
    ['{"id":3}', 3],
    ['{"text":"no id"}', undefined],
    ['{"id":null}', undefined],
    ['[1]', undefined],
    ['null', undefined],
    ['not json', undefined],
  ])('reads the id of %s', (input, id) => {
    expect(requestId(input)).toBe(id);
  });

  it('mulberry32 gives the reference sequence for seed 1', () => {
    const random = mulberry32(1);
    expect([random(), random(), random()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });
});
