/**
 * Values by a numeric id the table hands out, for what is added and removed all the time: the
 * realm's host operations, one per sleep, request or timer.
 *
 * Not a Map, for the garbage collector's sake. V8 rehashes a Map as deletions pile up and links the
 * old table to the new one, for iterators still walking the old. A steady stream of short-lived
 * entries so makes a chain from every table to the next, each old table still holding the entries
 * it had. Once one table reaches the old generation (any scavenge that finds it alive twice), each
 * later table and the entries it held are kept by the one before it through every scavenge, and
 * promoted, until a full collection: with 100 VUs sleeping in a loop, 0.7 MB promoted per
 * scavenge and a third more CPU per iteration. Slots in arrays that only grow make no such chain,
 * and a removed value's slot is cleared at once.
 *
 * An id is its slot and that slot's generation, so a stale id (an operation cancelled while the
 * host's settlement of it is on its way, its slot since reused) finds nothing, unless the slot was
 * reused a multiple of 1,023 times meanwhile. Ids stay below 2^30, numbers V8 keeps unboxed.
 */
const SLOTS = 2 ** 20;
const GENERATIONS = 2 ** 10 - 1;

export class OpTable<T extends object> {
  /** Each slot's value; undefined while the slot is free. */
  readonly #values: (T | undefined)[] = [];
  /** The id each slot was last given. */
  readonly #ids: number[] = [];
  /** Free slots, the last freed reused first. */
  readonly #free: number[] = [];
  /** Adds `value` and returns its id: a positive integer. */
  add(value: T): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#values.length;
      if (slot >= SLOTS) throw new RangeError(`more than ${SLOTS} host operations pending in one realm`);
      this.#ids.push(0);
      this.#values.push(undefined);
    }
    // Generations run from 1: slot 0's first id would be 0.
    const generation = (Math.floor(this.#ids[slot]! / SLOTS) % GENERATIONS) + 1;
    const id = generation * SLOTS + slot;
    this.#ids[slot] = id;
    this.#values[slot] = value;
    return id;
  }

  get(id: number): T | undefined {
    const slot = id % SLOTS;
    return this.#ids[slot] === id ? this.#values[slot] : undefined;
  }

  /** Removes and returns the value of `id`, if the table holds it. */
  take(id: number): T | undefined {
    const slot = id % SLOTS;
    if (this.#ids[slot] !== id) return undefined;
    const value = this.#values[slot];
    if (value === undefined) return undefined;
    this.#values[slot] = undefined;
    this.#free.push(slot);
    return value;
  }
}
