/**
 * How far wsk lets a heap grow past what a full collection left alive before it collects again.
 *
 * V8 lets a heap it collects quickly grow to about four times its live size. A fleet of idle VUs
 * turns its iterations into old garbage at a steady rate: each sleeps for seconds, outliving the
 * young generation, and dies in the old one. With V8's own factor, 10,000 VUs each holding a socket
 * and sending every 5 s grew their sandbox heap from 37 MB alive to 158 MB before it was collected,
 * and the process from 275 to 418 MB in 45 s; at 50 % the process stayed at 285–310 MB, with the
 * same CPU, since a full collection of such a heap takes 7–10 ms. It is a process-wide V8 setting,
 * made by the CLI before any thread or isolate exists; V8 applies it to every heap (the coordinator,
 * the workers, the sandboxes) from the next full collection on.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
