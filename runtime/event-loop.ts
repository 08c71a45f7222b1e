/**
 * The event loop of one iteration, as k6 has one: the iteration is over when its function has
 * returned (its promise settled) and nothing it started still holds the loop, such as an open
 * `k6/websockets` WebSocket. A callback of such a thing that throws fails the iteration at once, as
 * an exception of the function itself would. When the iteration ends, however it ends (done, failed,
 * or interrupted by the host), what still holds the loop is let go.
 */
export class EventLoop {
  /** What holds the loop, each with what to do if the iteration ends first. */
  readonly #holds = new Map<object, () => void>();
  readonly #failed: Promise<never>;
  #fail!: (error: unknown) => void;
  #idle: (() => void) | undefined;
  /** The first failure, read after every wait: a race may have settled on something else first. */
  #failure: { readonly error: unknown } | undefined;
  #over: boolean;

  /** `over`: a loop nothing may hold (a VU's before its first iteration: init code has none). */
  constructor(over = false) {
    this.#over = over;
    this.#failed = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    // Read only while the iteration waits; a failure after its end must not surface as unhandled.
    this.#failed.catch(() => undefined);
  }

  /** Whether `run` has anything to wait for besides the function's own promise. */
  get held(): boolean {
    return this.#holds.size > 0;
  }

  /**
   * Keeps the iteration from ending until the returned function is called. `abandon` runs instead
   * if the iteration ends first. Throws when the iteration is over.
   */
  hold(abandon: () => void): () => void {
    if (this.#over) throw new Error('the iteration is over: nothing may start on its event loop');
    const key = {};
    this.#holds.set(key, abandon);
    return () => {
      if (this.#holds.delete(key) && this.#holds.size === 0) this.#idle?.();
    };
  }

  /** A callback on the loop threw: the iteration fails with `error` (the first one, if several). */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#fail(error);
  }

  /** Resolves with what `result` resolves to once nothing holds the loop; rejects with the first failure. */
  async run(result: unknown): Promise<unknown> {
    const value = await Promise.race([result, this.#failed]);
    while (this.#holds.size > 0 && this.#failure === undefined) {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.#idle = resolve;
        }),
        this.#failed,
      ]);
    }
    if (this.#failure !== undefined) throw this.#failure.error;
    return value;
  }

  /** The iteration is over: what still holds the loop is abandoned. */
  end(): void {
    if (this.#over) return;
    this.#over = true;
    const abandoned = [...this.#holds.values()];
    this.#holds.clear();
    for (const abandon of abandoned) abandon();
  }
}
