/**
 * The order names are shown in: `Intl.Collator('en')`'s (`checks` before `Data`, `_` before digits
 * before letters), and for names with numbers in them its numeric order (`/item/2` before `/item/10`).
 *
 * A collator loads ICU's collation data when it is made: about 13 ms of CPU, a twentieth of a
 * one-second test. Names made only of lower-case letters, digits and `_` (metric names, most tag
 * keys and scenario names) compare here in the collator's order without one; other names make it,
 * once.
 */

/** Lower-case letters, digits and `_`: each has a primary weight of its own, in this order: `_`, digits, letters. */
const PLAIN = /^[a-z0-9_]*$/;
/** The same without digits, where numeric order is no different. */
const PLAIN_NO_DIGITS = /^[a-z_]*$/;
const UNDERSCORE = 95;
const NINE = 57;

let collator: Intl.Collator | undefined;
let numeric: Intl.Collator | undefined;

/** Orders `a` and `b` as `new Intl.Collator('en').compare` does. */
export function compareNames(a: string, b: string): number {
  if (PLAIN.test(a) && PLAIN.test(b)) return comparePlain(a, b);
  return (collator ??= new Intl.Collator('en')).compare(a, b);
}

/** Orders `a` and `b` as `new Intl.Collator('en', { numeric: true }).compare` does: runs of digits by their value. */
export function compareNatural(a: string, b: string): number {
  if (PLAIN_NO_DIGITS.test(a) && PLAIN_NO_DIGITS.test(b)) return comparePlain(a, b);
  return (numeric ??= new Intl.Collator('en', { numeric: true })).compare(a, b);
}

/** By metric name; a submetric ('name{...}') right after its metric, submetrics by their filter. */
export function compareMetricKeys(a: string, b: string): number {
  const parentA = a.split('{', 1)[0] ?? a;
  const parentB = b.split('{', 1)[0] ?? b;
  return compareNames(parentA, parentB) || compareNames(a.slice(parentA.length), b.slice(parentB.length));
}

/** Two PLAIN names, character by character by primary weight; a prefix first. */
function comparePlain(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) < weight(y) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** `_` lowest, then digits, then letters (the code points put `_` between them). */
function weight(code: number): number {
  return code === UNDERSCORE ? 0 : code <= NINE ? code - 47 : code - 86;
}
