/**
 * The event loop of one iteration, as k6 has one: the iteration is over when its function has
 * returned (its promise settled) and nothing it started still holds the loop, such as an open
 * `k6/websockets` WebSocket. A callback of such a thing that throws fails the iteration at once, as
 * an exception of the function itself would. When the iteration ends, however it ends (done, failed,
 * or interrupted by the host), what still holds the loop is let go.
 */
export class EventLoop {
  /**
   * What holds the loop, each with what to do if the iteration ends first. Made by the first hold:
   * every iteration has a loop, few iterations hold theirs (a fleet of sleeping VUs keeps thousands).
   */
  #holds: Map<object, () => void> | undefined;
  /** Wakes `run` to look again: a hold let go, a failure, the function's promise settled. */
  #wake: (() => void) | undefined;
  /** The first failure. */
  #failure: { readonly error: unknown } | undefined;
  #over: boolean;

  /** `over`: a loop nothing may hold (a VU's before its first iteration: init code has none). */
  constructor(over = false) {
    this.#over = over;
  }

  /** Whether `run` has anything to wait for besides the function's own promise. */
  get held(): boolean {
    return this.#holds !== undefined && this.#holds.size > 0;
  }

  /**
   * Keeps the iteration from ending until the returned function is called. `abandon` runs instead
   * if the iteration ends first. Throws when the iteration is over.
   */
  hold(abandon: () => void): () => void {
    if (this.#over) throw new Error('the iteration is over: nothing may start on its event loop');
    const key = {};
    const holds = (this.#holds ??= new Map());
    holds.set(key, abandon);
    return () => {
      if (holds.delete(key) && holds.size === 0) this.#wake?.();
    };
  }

  /** A callback on the loop threw: the iteration fails with `error` (the first one, if several). */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake?.();
  }

  /**
   * Resolves with what `result` resolves to once nothing holds the loop; rejects with the first failure.
   * One promise and a wake-up function per iteration, not an async function's: a sleeping fleet keeps one each.
   */
  run(result: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let outcome: { readonly value: unknown } | { readonly error: unknown } | undefined;
      // A rejection ends the iteration at once, as an exception of a plain function does.
      const wake = (): void => {
        if (this.#failure !== undefined) reject(this.#failure.error);
        else if (outcome === undefined || ('value' in outcome && this.held)) return;
        else if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.value);
        this.#wake = undefined;
      };
      this.#wake = wake;
      // A callback may have failed the loop already.
      wake();
      Promise.resolve(result).then(
        (value: unknown) => {
          outcome = { value };
          this.#wake?.();
        },
        (error: unknown) => {
          outcome = { error };
          this.#wake?.();
        },
      );
    });
  }

  /** The iteration is over: what still holds the loop is abandoned. */
  end(): void {
    if (this.#over) return;
    this.#over = true;
    if (this.#holds === undefined) return;
    const abandoned = [...this.#holds.values()];
    this.#holds.clear();
    for (const abandon of abandoned) abandon();
  }
}
