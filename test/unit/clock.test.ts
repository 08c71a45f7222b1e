import { describe, expect, it } from 'vitest';
import { isAbortError, realClock, sleepUnlessAborted } from '../../src/clock.js';

describe('realClock', () => {
  it('counts from its start and sleeps until an absolute time', async () => {
    const clock = realClock(performance.now() - 1_000);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    const target = clock.now() + 20;
    await clock.sleepUntil(target);
    // Node timers may fire a fraction of a millisecond early.
    expect(clock.now()).toBeGreaterThanOrEqual(target - 1);
  });

  it('resolves at once for a time already past', async () => {
    const clock = realClock();
    await expect(clock.sleepUntil(-5)).resolves.toBeUndefined();
  });

  it('rejects with an AbortError when aborted, before or during the sleep', async () => {
    const clock = realClock();
    const before = new AbortController();
    before.abort();
    await expect(clock.sleepUntil(clock.now() + 10_000, before.signal)).rejects.toMatchObject({ name: 'AbortError' });

    const during = new AbortController();
    const sleeping = clock.sleepUntil(clock.now() + 10_000, during.signal);
    setTimeout(() => during.abort(), 5);
    const startedAt = clock.now();
    const error: unknown = await sleeping.catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect(clock.now() - startedAt).toBeLessThan(5_000);
  });
});

describe('sleepUnlessAborted', () => {
  it('tells whether the time was reached', async () => {
    const clock = realClock();
    const controller = new AbortController();
    expect(await sleepUnlessAborted(clock, clock.now() + 1, controller.signal)).toBe(true);
    controller.abort();
    expect(await sleepUnlessAborted(clock, clock.now() + 10_000, controller.signal)).toBe(false);
  });
});
