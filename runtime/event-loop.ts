/** How the code of a loop ended: its value, or the error it failed with. */
export type Outcome = { readonly value: unknown } | { readonly error: unknown };

const SETTLED = Promise.resolve();

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
  /** What `run` calls once the loop is over: set by `run`, cleared as it is called. */
  #done: ((outcome: Outcome) => void) | undefined;
  /** How the function's own promise settled, once it has. */
  #settled: Outcome | undefined;
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
      if (holds.delete(key) && holds.size === 0) this.#look();
    };
  }

  /** A callback on the loop threw: the iteration fails with `error` (the first one, if several). */
  fail(error: unknown): void {
    this.#failure ??= { error };
    this.#look();
  }

  /**
   * Calls `done` once `result` (the function's return value) has settled and nothing holds the
   * loop, with its value; or with the first failure, at once (a rejection ends the iteration as an
   * exception of a plain function does). `done` runs as a microtask, where a promise's reaction
   * would. A callback rather than a promise: a sleeping fleet keeps one of these per VU, and a
   * promise with its resolvers and reactions costs several times the bytes.
   */
  run(result: unknown, done: (outcome: Outcome) => void): void {
    this.#done = done;
    // A callback may have failed the loop already.
    this.#look();
    Promise.resolve(result).then(
      (value: unknown) => {
        this.#settled = { value };
        this.#look();
      },
      (error: unknown) => {
        this.#settled = { error };
        this.#look();
      },
    );
  }

  /** Calls `run`'s `done` if the loop is over: a hold let go, a failure, the function's promise settled. */
  #look(): void {
    const done = this.#done;
    if (done === undefined) return;
    const settled = this.#settled;
    const outcome = this.#failure ?? (settled === undefined || ('value' in settled && this.held) ? undefined : settled);
    if (outcome === undefined) return;
    this.#done = undefined;
    // The sandbox has no queueMicrotask: a reaction of a settled promise is the same one turn later.
    void SETTLED.then(() => done(outcome));
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
