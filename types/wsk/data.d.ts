/**
 * `wsk/data` (alias `k6/data`): data every VU reads, made once per isolate instead of once per VU.
 *
 * ```ts
 * import { SharedArray, parseCsv } from 'wsk/data';
 * const users = new SharedArray('users', () => parseCsv(open('./users.csv')));
 * export default function () {
 *   const user = users.next({ mode: 'unique' }) as { name: string; password: string };
 * }
 * ```
 */
export {};

export interface NextOptions {
  /**
   * 'sequential' (default): the records in order, one after the other across every VU of the run,
   * starting again after the last; 'unique': each record to one VU once in the run, and an error
   * once all are used; 'random': any record.
   */
  mode?: 'sequential' | 'unique' | 'random';
}

/** A read-only array (its records frozen too), the same for every VU of an isolate. */
export interface SharedArray<T = unknown> extends ReadonlyArray<T> {
  /** The next record, as a feeder hands it out (see NextOptions). */
  next(options?: NextOptions): T;
}

export const SharedArray: {
  /**
   * `fn` runs once per isolate, in init code, and returns the records (plain data: what JSON can hold).
   * VUs that ask for the same name get the same array.
   */
  new <T = unknown>(name: string, fn: () => T[]): SharedArray<T>;
};

export interface CsvOptions {
  /** The first row names the fields, and records are objects (default true); false gives arrays. */
  header?: boolean;
  /** Guessed when not given. */
  delimiter?: string;
  /** Numbers and booleans as such instead of text (default false). */
  dynamicTyping?: boolean;
}

/** CSV text (from `open()`) into records, parsed with papaparse; empty lines are skipped. */
export function parseCsv(text: string, options?: CsvOptions): unknown[];
