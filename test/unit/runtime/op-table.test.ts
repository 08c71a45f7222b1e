import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { OpTable } from '../../../runtime/op-table.js';

// gc() from a context of its own: the flag reaches contexts made after it is set.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

const oldSpaceUsed = (): number => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;

/** What the table under test must do: add a value for an id, and take it back by that id. */
interface Store {
  add(value: object): number;
  remove(id: number): void;
}

/**
 * Bytes promoted to the old generation while a few entries at a time come and go through `store`,
 * each holding 0.5 KB, with a scavenge after every 2,000: what an isolate pays for pending sleeps.
 * The store itself is old first, as a realm's is after its first scavenges.
 */
function promotedByChurn(store: Store): number {
  const live: number[] = [];
  for (let i = 0; i < 8; i++) live.push(store.add({ payload: new Array<number>(64).fill(i) }));
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  const before = oldSpaceUsed();
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 2_000; i++) {
      store.remove(live.shift()!);
      live.push(store.add({ payload: new Array<number>(64).fill(i) }));
    }
    gc({ type: 'minor' });
  }
  return oldSpaceUsed() - before;
}

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
    let next = 1;
    const map = new Map<number, object>();
    const viaMap: Store = {
      add: (value) => {
        map.set(next, value);
        return next++;
      },
      remove: (id) => map.delete(id),
    };
    const table = new OpTable<object>();
    const viaTable: Store = { add: (value) => table.add(value), remove: (id) => table.take(id) };
    gc();
    const promotedByMap = promotedByChurn(viaMap);
    gc();
    const promotedByTable = promotedByChurn(viaTable);
    // The Map's chain of rehashed tables carries about 10 MB of dead entries into the old generation.
    expect(promotedByMap).toBeGreaterThan(4e6);
    expect(promotedByTable).toBeLessThan(1e6);
  });
});
