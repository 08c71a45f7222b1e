import { describe, expect, it } from 'vitest';
import { SmallMap } from '../../src/small-map.js';
import { PendingOps } from '../../src/worker/pending-ops.js';

const item = (name: string): { name: string } => ({ name });

describe('SmallMap: a Map from numbers that mostly holds one entry', () => {
  it('holds one entry, then more, and finds, lists and deletes each', () => {
    const map = new SmallMap<{ name: string }>();
    expect(map.size).toBe(0);
    expect(map.keys()).toEqual([]);
    map.set(3, item('a'));
    expect(map.size).toBe(1);
    expect(map.get(3)).toEqual(item('a'));
    map.set(5, item('b'));
    map.set(8, item('c'));
    expect(map.size).toBe(3);
    expect(map.keys()).toEqual([3, 5, 8]);
    expect(map.values()).toEqual([item('a'), item('b'), item('c')]);
    expect(map.delete(3)).toBe(true);
    expect(map.get(3)).toBeUndefined();
    expect(map.get(5)).toEqual(item('b'));
    expect(map.size).toBe(2);
    // The freed first place takes the next key; the others stay where they are.
    map.set(9, item('d'));
    expect(map.keys()).toEqual([9, 5, 8]);
    expect(map.delete(8)).toBe(true);
    expect(map.delete(42)).toBe(false);
    expect(map.keys().sort()).toEqual([5, 9]);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.get(5)).toBeUndefined();
    expect(map.values()).toEqual([]);
  });

  it('replaces the value of a key set twice, wherever it is kept', () => {
    const map = new SmallMap<{ name: string }>();
    map.set(1, item('a'));
    map.set(1, item('b'));
    expect(map.size).toBe(1);
    expect(map.get(1)).toEqual(item('b'));
    map.set(2, item('c'));
    map.delete(1);
    // 2 is kept beyond the first place, which is free: setting it again must not hold it twice.
    map.set(2, item('d'));
    expect(map.size).toBe(1);
    expect(map.values()).toEqual([item('d')]);
  });

  it('key 0 is a key like any other', () => {
    const map = new SmallMap<{ name: string }>();
    expect(map.get(0)).toBeUndefined();
    map.set(0, item('zero'));
    expect(map.get(0)).toEqual(item('zero'));
    expect(map.keys()).toEqual([0]);
  });

  it('values() is a copy: deleting while visiting visits every entry once', () => {
    const map = new SmallMap<{ name: string }>();
    for (const key of [1, 2, 3]) map.set(key, item(String(key)));
    const seen: string[] = [];
    for (const value of map.values()) {
      seen.push(value.name);
      map.delete(Number(value.name));
    }
    expect(seen).toEqual(['1', '2', '3']);
    expect(map.size).toBe(0);
  });
});

describe('PendingOps: a VU’s pending sleeps', () => {
  it('clear() forgets every op and frees the own timer for the next sleep', () => {
    const ops = new PendingOps();
    ops.set(4, item('timer'));
    ops.own = { handle: item('handle'), ms: 10, op: 4, place: undefined as never, fire: () => {} };
    ops.clear();
    expect(ops.size).toBe(0);
    expect(ops.own).toMatchObject({ handle: undefined, op: 0, ms: 10 });
  });
});
