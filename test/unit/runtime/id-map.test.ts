import { describe, expect, it } from 'vitest';
import { IdMap } from '../../../runtime/id-map.js';
import { countedIds, promotedByChurn } from './promotion.js';

describe('IdMap', () => {
  it('keeps values by id as a Map does, and lists them by ascending id', () => {
    const map = new IdMap<{ name: string }>();
    expect(map.set(3, { name: 'c' })).toBe(map);
    map.set(1, { name: 'a' }).set(2000, { name: 'b' });
    map.set(3, { name: 'C' });
    expect(map.size).toBe(3);
    expect(map.get(3)).toEqual({ name: 'C' });
    expect(map.get(4)).toBeUndefined();
    expect(map.values().map((value) => value.name)).toEqual(['a', 'C', 'b']);
    expect(map.delete(1)).toBe(true);
    expect(map.delete(1)).toBe(false);
    expect(map.size).toBe(2);
    expect(map.get(1)).toBeUndefined();
    // A snapshot: deleting while walking it is safe.
    for (const value of map.values()) map.delete(value.name === 'C' ? 3 : 2000);
    expect(map.size).toBe(0);
    expect(map.values()).toEqual([]);
  });

  it('keeps the old generation flat while short-lived entries come and go, where a Map grows it by megabytes', () => {
    const promotedByMap = promotedByChurn(() => countedIds(new Map()));
    const promotedByIdMap = promotedByChurn(() => countedIds(new IdMap()));
    expect(promotedByMap).toBeGreaterThan(4e6);
    expect(promotedByIdMap).toBeLessThan(1e6);
  });
});
