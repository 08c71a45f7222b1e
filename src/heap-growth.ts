/**
 * How far a fleet's heaps grow past what a full collection left alive before V8 collects again.
 *
 * V8 lets a heap it collects quickly grow to about four times its live size. A fleet of idle VUs
 * turns its iterations into old garbage at a steady rate: each sleeps for seconds, outliving the
 * young generation, and dies in the old one. With V8's own factor, 10,000 VUs each holding a socket
 * and sending every 5 s grew their sandbox heap from 37 MB alive to 158 MB before it was collected,
 * and the process from 275 to 418 MB in 45 s; at 50 % the process stayed at 285–310 MB, with the
 * same CPU, since a full collection of such a heap takes 7–10 ms.
 *
 * Below a fleet the limit costs CPU and saves little: a heap whose live size is small next to its
 * young generation (16 MB once it has grown) is always within a young generation of a 50 % limit,
 * so V8 marks it again as soon as it has collected it. 200 VUs streaming audio made their worker's
 * heap (10 MB alive) collect every 280 ms, 21 full collections in 10 s against 2 with V8's own
 * factor, some 5 µs of CPU per frame.
 *
 * It is a process-wide V8 setting; V8 applies it to every heap (the coordinator, the workers, the
 * sandboxes) from its next full collection on.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** A run with this many VUs in the process or more is a fleet, and gets the limit. */
export const FLEET_VUS = 5_000;

/** The heap growth limit for a run of `vus` VUs in this process, in percent; undefined: V8's own factor. */
export function heapGrowingPercent(vus: number): number | undefined {
  return vus >= FLEET_VUS ? HEAP_GROWING_PERCENT : undefined;
}

/** The setting as this process last made it: 0 is V8's default, its own factor. */
let current = 0;

/**
 * Sets the limit for a run of `vus` VUs, before its workers start. A smaller run after a fleet's in
 * the same process sets 0 again, V8's default. A run that changes nothing does not load node:v8,
 * which the bundles load on first use (build/bundle-dist.mjs).
 */
export function limitHeapGrowth(vus: number): void {
  const percent = heapGrowingPercent(vus) ?? 0;
  if (percent === current) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  current = percent;
}
