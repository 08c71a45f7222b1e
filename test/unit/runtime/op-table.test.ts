import { describe, expect, it } from 'vitest';
import { OpTable } from '../../../runtime/op-table.js';
import { countedIds, promotedByChurn } from './promotion.js';

describe('OpTable', () => {
  it('hands out positive integer ids below 2^30 and gives each value back once', () => {
    const table = new OpTable<{ name: string }>();
    const a = table.add({ name: 'a' });
    const b = table.add({ name: 'b' });
    expect(a).not.toBe(b);
    for (const id of [a, b]) {
      expect(Number.isInteger(id)).toBe(true);
      expect(id).toBeGreaterThan(0);
      expect(id).toBeLessThan(2 ** 30);
    }
    expect(table.get(a)).toEqual({ name: 'a' });
    expect(table.take(a)).toEqual({ name: 'a' });
    expect(table.take(a)).toBeUndefined();
    expect(table.get(a)).toBeUndefined();
    expect(table.get(b)).toEqual({ name: 'b' });
    expect(table.get(12345)).toBeUndefined();
  });

  it('does not let a stale id reach the value that reused its slot', () => {
    const table = new OpTable<{ n: number }>();
    const stale = table.add({ n: 1 });
    table.take(stale);
    const fresh = table.add({ n: 2 });
    expect(fresh).not.toBe(stale);
    expect(table.get(stale)).toBeUndefined();
    expect(table.take(stale)).toBeUndefined();
    expect(table.get(fresh)).toEqual({ n: 2 });
  });

  it('keeps ids of a slot reused a million times distinct from the last thousand and below 2^30', () => {
    const table = new OpTable<object>();
    const recent: number[] = [];
    let taken = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const id = table.add({});
      if (table.take(id) !== undefined) taken++;
      if (i >= 1_000_000 - 1_022) recent.push(id);
    }
    expect(taken).toBe(1_000_000);
    expect(new Set(recent).size).toBe(recent.length);
    expect(Math.max(...recent)).toBeLessThan(2 ** 30);
  });

  it('keeps the old generation flat while short-lived entries come and go, where a Map grows it by megabytes', () => {
    const promotedByMap = promotedByChurn(() => countedIds(new Map()));
    const promotedByTable = promotedByChurn(() => {
      const table = new OpTable<object>();
      return { add: (value) => table.add(value), remove: (id) => table.take(id) };
    });
    // The Map's chain of rehashed tables carries about 10 MB of dead entries into the old generation.
    expect(promotedByMap).toBeGreaterThan(4e6);
    expect(promotedByTable).toBeLessThan(1e6);
  });
});
