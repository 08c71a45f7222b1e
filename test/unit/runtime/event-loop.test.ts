import { describe, expect, it } from 'vitest';
import { EventLoop } from '../../../runtime/event-loop.js';

/** `run` as a promise: the outcome's value, or a rejection with its error. */
function settle(loop: EventLoop, result: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => loop.run(result, (outcome) => ('error' in outcome ? reject(outcome.error) : resolve(outcome.value))));
}

describe('EventLoop', () => {
  it('calls back once, on a later microtask, not from inside the release that ended it', async () => {
    const loop = new EventLoop();
    const release = loop.hold(() => undefined);
    const outcomes: unknown[] = [];
    loop.run(undefined, (outcome) => outcomes.push(outcome));
    await Promise.resolve();
    release();
    expect(outcomes).toEqual([]);
    await Promise.resolve();
    expect(outcomes).toEqual([{ value: undefined }]);
    loop.fail(new Error('after the end'));
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(outcomes).toHaveLength(1);
  });

  it("settles with the function's value once nothing holds it", async () => {
    const loop = new EventLoop();
    const release = loop.hold(() => {
      throw new Error('not abandoned');
    });
    let settled = false;
    const done = settle(loop, Promise.resolve(7)).then((value) => {
      settled = true;
      return value;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await expect(done).resolves.toBe(7);
  });

  it('waits for every hold, however many come and go', async () => {
    const loop = new EventLoop();
    const first = loop.hold(() => undefined);
    const done = settle(loop, undefined);
    const second = loop.hold(() => undefined);
    first();
    first();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(loop.held).toBe(true);
    second();
    await expect(done).resolves.toBeUndefined();
  });

  it('rejects with the first failure, even when its hold is released right after', async () => {
    const loop = new EventLoop();
    const release = loop.hold(() => undefined);
    const done = settle(loop, undefined);
    const error = new Error('a handler threw');
    loop.fail(error);
    loop.fail(new Error('a later one'));
    release();
    await expect(done).rejects.toBe(error);
  });

  it('rejects at once with a failure that came before it ran, without waiting for the function', async () => {
    const loop = new EventLoop();
    loop.fail(new Error('a timer threw'));
    await expect(settle(loop, new Promise(() => {}))).rejects.toThrow('a timer threw');
  });

  it("rejects with the function's own rejection", async () => {
    const loop = new EventLoop();
    loop.hold(() => undefined);
    await expect(settle(loop, Promise.reject(new Error('thrown')))).rejects.toThrow('thrown');
  });

  it('abandons what still holds it when the iteration ends, once, and takes no hold after', () => {
    const loop = new EventLoop();
    const abandoned: string[] = [];
    loop.hold(() => abandoned.push('a'));
    const release = loop.hold(() => abandoned.push('b'));
    loop.hold(() => abandoned.push('c'));
    release();
    loop.end();
    loop.end();
    expect(abandoned).toEqual(['a', 'c']);
    expect(() => loop.hold(() => undefined)).toThrow(/the iteration is over/);
    expect(() => new EventLoop(true).hold(() => undefined)).toThrow(/the iteration is over/);
  });
});
