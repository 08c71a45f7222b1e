/**
 * The scheduler both arrival-rate executors share: each iteration starts at its absolute time on the
 * clock (never "sleep after work", so slow iterations do not slow the rate), on the lowest-index free
 * VU; when every VU is busy the iteration is dropped, not queued.
 */
import type { ExecutorContext } from '../types.js';
import { ScenarioRun } from './scenario-run.js';

export async function runArrivals(context: ExecutorContext, durationMs: number, offsets: Iterable<number>): Promise<void> {
  const run = new ScenarioRun(context, durationMs);
  const free = new FreeVus(context.vus.length);
  try {
    for (const offset of offsets) {
      if (!(await run.sleepUntil(offset))) break;
      const index = free.takeLowest();
      const vu = index === undefined ? undefined : context.vus[index];
      if (index === undefined || vu === undefined) {
        run.dropped();
        continue;
      }
      run.spawn(async () => {
        run.activate(1);
        try {
          await run.iterate(vu);
        } finally {
          run.activate(-1);
          free.release(index);
        }
      });
    }
    await run.whenIdle();
  } finally {
    run.finish();
  }
}

/** Indexes of the VUs not running an iteration, lowest first (a binary min-heap). */
class FreeVus {
  private readonly heap: number[];

  constructor(count: number) {
    // Ascending order is already a valid min-heap.
    this.heap = Array.from({ length: count }, (_, i) => i);
  }

  takeLowest(): number | undefined {
    const lowest = this.heap[0];
    const last = this.heap.pop();
    if (lowest === undefined || last === undefined || this.heap.length === 0) return lowest;
    this.heap[0] = last;
    this.siftDown(0);
    return lowest;
  }

  release(index: number): void {
    this.heap.push(index);
    this.siftUp(this.heap.length - 1);
  }

  private siftUp(at: number): void {
    let child = at;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.value(parent) <= this.value(child)) return;
      this.swap(parent, child);
      child = parent;
    }
  }

  private siftDown(at: number): void {
    let parent = at;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && this.value(left) < this.value(smallest)) smallest = left;
      if (right < this.heap.length && this.value(right) < this.value(smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  private value(position: number): number {
    return this.heap[position] ?? Number.POSITIVE_INFINITY;
  }

  private swap(a: number, b: number): void {
    const valueA = this.value(a);
    this.heap[a] = this.value(b);
    this.heap[b] = valueA;
  }
}
