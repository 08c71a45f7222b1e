/**
 * The `wsk/data` module (alias `k6/data`): `SharedArray`, data made once per isolate and shared,
 * read-only, by every VU in it; feeder-style access to it (`next()`); and `parseCsv`.
 *
 * A realm runs this module once, so what is kept here is kept once per realm: in compartment
 * isolation one realm is one isolate, however many VUs it holds.
 */
import Papa from 'papaparse';
import type * as Data from 'wsk/data';
import { initializingVu, type RealmServices } from '../vu.js';
import { RUN_COUNTERS_BYTES } from '../protocol.js';

/** Each shared array of the realm by name, as its function made it. */
const arrays = new Map<string, readonly unknown[]>();

/** Slots of the run-wide counters (a hash of the array's name and the mode picks one). */
const COUNTER_SLOTS = RUN_COUNTERS_BYTES / Int32Array.BYTES_PER_ELEMENT;

/**
 * `new SharedArray(name, fn)`: `fn` runs in the first VU's init code that asks for `name`, and every
 * VU of the realm gets the same frozen array (its records frozen too), with `next()`.
 */
function SharedArray(name: string, fn: () => unknown[]): readonly unknown[] {
  const vu = initializingVu();
  if (vu === undefined) throw new Error('new SharedArray() is only available in init code (the top level of the script)');
  if (typeof name !== 'string' || name === '') throw new TypeError(`SharedArray: the name must be a non-empty string, got ${JSON.stringify(name)}`);
  const known = arrays.get(name);
  if (known !== undefined) return known;
  if (typeof fn !== 'function') throw new TypeError(`SharedArray(${JSON.stringify(name)}): the second argument must be a function that returns an array`);
  const made = fn();
  if (!Array.isArray(made)) throw new TypeError(`SharedArray(${JSON.stringify(name)}): the function must return an array, got ${made === null ? 'null' : typeof made}`);
  // Plain data only, as k6 keeps it (through JSON): nothing that ties VUs to the code that made it.
  // Checked and frozen in place rather than copied, so a large data set is not held twice while it is made.
  plainFrozen(made, name, '');
  const shared = withFeeder(Object.isFrozen(made) ? [...made] : made, name, vu.services);
  Object.freeze(shared);
  arrays.set(name, shared);
  return shared;
}

/** Feeder access, as Gatling's feeders: `next()` hands out records, run-wide or at random. */
function withFeeder(records: unknown[], name: string, services: RealmServices): unknown[] {
  const next = (options?: Data.NextOptions): unknown => {
    const mode = options?.mode ?? 'sequential';
    if (records.length === 0) throw new Error(`SharedArray ${JSON.stringify(name)}: next() on an empty array`);
    switch (mode) {
      case 'random':
        return records[Math.floor(Math.random() * records.length)];
      case 'sequential':
        return records[claim(services, name, mode) % records.length];
      case 'unique': {
        const index = claim(services, name, mode);
        if (index >= records.length) {
          throw new Error(`SharedArray ${JSON.stringify(name)}: next({ mode: 'unique' }) has handed out all ${records.length} records; each goes to one VU once in a run`);
        }
        return records[index];
      }
      default:
        throw new TypeError(`SharedArray ${JSON.stringify(name)}: next(): mode must be 'sequential', 'unique' or 'random', got ${JSON.stringify(mode)}`);
    }
  };
  Object.defineProperty(records, 'next', { value: next, enumerable: false });
  return records;
}

/** The next number of a counter every VU of the run shares (memory shared by all workers). */
function claim(services: RealmServices, name: string, mode: string): number {
  const slot = hash(`${mode}\u0000${name}`) % COUNTER_SLOTS;
  return Atomics.add(services.counters, slot, 1);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Freezes `value` and everything in it, and refuses what JSON would not keep as it is: functions,
 * symbols, and objects that are not plain (class instances, Maps, Dates).
 */
function plainFrozen(value: unknown, name: string, path: string): void {
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') {
    throw new TypeError(`SharedArray(${JSON.stringify(name)}): ${path === '' ? 'an element' : path} is a ${typeof value}; a shared array holds plain data (what JSON can hold)`);
  }
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    throw new TypeError(`SharedArray(${JSON.stringify(name)}): ${path === '' ? 'an element' : path} is not a plain object; a shared array holds plain data (what JSON can hold)`);
  }
  if (path !== '') Object.freeze(value);
  for (const key of Object.keys(value)) plainFrozen((value as Record<string, unknown>)[key], name, path === '' ? `[${key}]` : `${path}.${key}`);
}

/** CSV text into records: objects keyed by the header row by default, as papaparse parses it. */
function parseCsv(text: string, options: Data.CsvOptions = {}): unknown[] {
  if (typeof text !== 'string') throw new TypeError(`parseCsv(): the text must be a string (open(path) in init code), got ${typeof text}`);
  const result = Papa.parse(text, {
    header: options.header ?? true,
    delimiter: options.delimiter ?? '',
    dynamicTyping: options.dynamicTyping ?? false,
    skipEmptyLines: 'greedy',
  });
  const [error] = result.errors;
  if (error !== undefined) throw new Error(`parseCsv(): ${error.message}${error.row === undefined ? '' : ` (record ${error.row + 1})`}`);
  return result.data as unknown[];
}

const MODULE = Object.freeze({ SharedArray: SharedArray as unknown as typeof Data.SharedArray, parseCsv });

export function createDataModule(): typeof Data {
  return MODULE;
}

/** What every VU of the realm reaches: frozen by lockdown. */
export const REALM_SHARED: readonly object[] = [MODULE, SharedArray, parseCsv];
