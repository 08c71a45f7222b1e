/**
 * What a table that entries pass through costs the garbage collector: bytes promoted to the old
 * generation while short-lived entries come and go through it (op-table and id-map tests).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

// gc() from a context of its own: the flag reaches contexts made after it is set.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

const oldSpaceUsed = (): number => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;

/** A table under test: adds a value under a new id, and removes it by that id. */
export interface Store {
  add(value: object): number;
  remove(id: number): void;
}

/** A store over `map`, with ids counted up from 1 (a Map is the control). */
export function countedIds(map: { set(id: number, value: object): unknown; delete(id: number): unknown }): Store {
  let next = 1;
  return {
    add: (value) => {
      map.set(next, value);
      return next++;
    },
    remove: (id) => map.delete(id),
  };
}

/**
 * Bytes promoted while a few entries at a time come and go through `store`, each holding 0.5 KB,
 * with a scavenge after every 2,000: what a realm pays for its pending sleeps or its sockets. The
 * store itself is old first, as a realm's is after its first collections.
 */
export function promotedByChurn(makeStore: () => Store): number {
  gc();
  const store = makeStore();
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
