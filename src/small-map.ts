/**
 * A Map from numbers for what mostly holds one entry: a VU's pending sleeps, its open sockets. The
 * first entry is kept in fields and a Map is made only for more, since an empty Map is some 200
 * bytes, paid per VU by a fleet of 10,000.
 */
export class SmallMap<V extends object> {
  #key = 0;
  /** Undefined: no entry in the fields. */
  #value: V | undefined;
  #more: Map<number, V> | undefined;

  get size(): number {
    return (this.#value === undefined ? 0 : 1) + (this.#more?.size ?? 0);
  }

  get(key: number): V | undefined {
    return this.#value !== undefined && key === this.#key ? this.#value : this.#more?.get(key);
  }

  /** `value` must not be undefined. */
  set(key: number, value: V): void {
    if (this.#value !== undefined && key === this.#key) this.#value = value;
    else if (this.#more?.has(key) === true) this.#more.set(key, value);
    else if (this.#value === undefined) {
      this.#key = key;
      this.#value = value;
    } else (this.#more ??= new Map()).set(key, value);
  }

  delete(key: number): boolean {
    if (this.#value === undefined || key !== this.#key) return this.#more?.delete(key) ?? false;
    this.#value = undefined;
    return true;
  }

  /** The keys: the one in the fields first, then the Map's in the order they were set. */
  keys(): number[] {
    const keys = this.#value === undefined ? [] : [this.#key];
    if (this.#more !== undefined) keys.push(...this.#more.keys());
    return keys;
  }

  /** The values, in the order of keys(): a copy, so the map may change while they are visited. */
  values(): V[] {
    const values = this.#value === undefined ? [] : [this.#value];
    if (this.#more !== undefined) values.push(...this.#more.values());
    return values;
  }

  clear(): void {
    this.#value = undefined;
    this.#more = undefined;
  }
}
