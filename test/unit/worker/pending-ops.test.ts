import { describe, expect, it } from 'vitest';
import type { TimerHandle } from '../../../src/worker/environment.js';
import { PendingOps } from '../../../src/worker/pending-ops.js';

const timer = (name: string): TimerHandle => ({ name }) as unknown as TimerHandle;

describe('PendingOps: a VU’s pending operations', () => {
  it('holds one op, then more, and finds, lists and deletes each', () => {
    const ops = new PendingOps();
    expect(ops.size).toBe(0);
    expect(ops.ops()).toEqual([]);
    ops.set(3, timer('a'));
    expect(ops.size).toBe(1);
    expect(ops.get(3)).toEqual(timer('a'));
    ops.set(5, timer('b'));
    ops.set(8, timer('c'));
    expect(ops.size).toBe(3);
    expect(ops.ops().sort()).toEqual([3, 5, 8]);
    expect(ops.timers()).toHaveLength(3);
    ops.delete(3);
    expect(ops.get(3)).toBeUndefined();
    expect(ops.get(5)).toEqual(timer('b'));
    expect(ops.size).toBe(2);
    // The freed first place takes the next op; the others stay where they are.
    ops.set(9, timer('d'));
    expect(ops.ops().sort()).toEqual([5, 8, 9]);
    ops.delete(8);
    ops.delete(42);
    expect(ops.ops().sort()).toEqual([5, 9]);
    ops.clear();
    expect(ops.size).toBe(0);
    expect(ops.get(5)).toBeUndefined();
    expect(ops.timers()).toEqual([]);
  });

  it('replaces the timer of an op set twice', () => {
    const ops = new PendingOps();
    ops.set(1, timer('a'));
    ops.set(1, timer('b'));
    expect(ops.size).toBe(1);
    expect(ops.get(1)).toEqual(timer('b'));
  });
});
