/**
 * The deadlines of open correlated requests, checked by one timer per worker thread instead of a
 * timer set and cleared for every request: a request's timeout fires at most SWEEP_MS late, and a
 * busy socket costs no timer work per message.
 */
const SWEEP_MS = 25;

export interface DeadlineWatcher {
  /** Fires what is due at `now`; returns whether it still has open requests to watch. */
  checkDeadlines(now: number): boolean;
}

class Deadlines {
  readonly #watched = new Set<DeadlineWatcher>();
  #timer: NodeJS.Timeout | undefined;

  watch(watcher: DeadlineWatcher): void {
    this.#watched.add(watcher);
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#sweep(), SWEEP_MS);
    this.#timer.unref();
  }

  #sweep(): void {
    const now = performance.now();
    for (const watcher of this.#watched) if (!watcher.checkDeadlines(now)) this.#watched.delete(watcher);
    if (this.#watched.size > 0) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** This thread's deadlines (each worker thread loads its own copy of this module). */
export const requestDeadlines = new Deadlines();
