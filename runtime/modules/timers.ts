/**
 * Timers: setTimeout, setInterval and their clears, global in VU code and the module `wsk/timers`
 * (alias `k6/timers`). A timer is a sleep on the host, a due time there (the sandbox reads no
 * clock), whose answer runs the callback on the VU's turn. As in k6, the code that set a timer is
 * not done until the timer is: an iteration (or init code) ends once its timers have run or been
 * cleared, and an exception in a callback ends it with that error. A timer still pending when the
 * host interrupts the iteration is dropped, with a warning.
 */
import type * as Timers from 'wsk/timers';
import type { RealmServices } from '../vu.js';

type TimerApi = typeof Timers;

/** One run of a VU's code (an iteration, its init code) as far as its timers are concerned. */
export interface TimerRun {
  /** The run's own code returned: `done` is called once its timers are over too (at once if none is pending). */
  finish(done: () => void): void;
  /** The run's own code threw: its timers are dropped (the host forgets their sleeps as the run ends). */
  abort(): void;
}

export interface VuTimers {
  /** The four functions, frozen: the globals of the VU's code and the `wsk/timers` module. */
  readonly api: TimerApi;
  /**
   * Starts a run: the timers set from now on are its own; those an interrupted run left are dropped.
   * `failed` is called, once, with what a callback threw; the run is then over.
   */
  begin(failed: (error: unknown) => void): TimerRun;
}

/** A timer as set: an interval arms itself again after each call. */
interface Timer {
  readonly name: 'setTimeout' | 'setInterval';
  readonly id: number;
  readonly callback: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  readonly ms: number;
}

interface Run {
  readonly failed: (error: unknown) => void;
  /** Set once the run's own code returned. */
  done: (() => void) | undefined;
  /** Promises returned by callbacks (async callbacks) not yet settled: the run waits for them too. */
  busy: number;
  over: boolean;
}

/** Browsers' coercion of a delay: a number of milliseconds, anything else (NaN, negative, infinite) 0. */
function delayOf(ms: unknown): number {
  const number = Number(ms);
  return Number.isFinite(number) && number > 0 ? number : 0;
}

export function createTimers(vu: number, services: RealmServices): VuTimers {
  let nextId = 1;
  /** The pending timers of the current run, by id: each one's cancel of its host sleep. */
  let pending = new Map<number, () => void>();
  let run: Run | undefined;

  function arm(timer: Timer): void {
    const owner = run;
    const cancel = services.timer(
      vu,
      timer.ms,
      () => fire(owner, timer, cancel),
      () => {
        // The host forgot the sleep: the iteration was interrupted (or ended with an error, which already dropped it).
        if (pending.get(timer.id) !== cancel) return;
        pending.delete(timer.id);
        services.emit(['log', vu, 'warn', `${timer.name} ${timer.id} was stopped because the VU iteration was interrupted`]);
      },
    );
    pending.set(timer.id, cancel);
  }

  function fire(owner: Run | undefined, timer: Timer, cancel: () => void): void {
    if (pending.get(timer.id) !== cancel || owner !== run) return;
    let result: unknown;
    try {
      result = Reflect.apply(timer.callback, undefined, timer.args);
    } catch (error) {
      fail(owner, error);
      return;
    }
    // The callback may have cleared its own timer.
    if (pending.get(timer.id) === cancel) {
      if (timer.name === 'setInterval') arm(timer);
      else pending.delete(timer.id);
    }
    if (owner !== undefined && result instanceof Promise) {
      owner.busy++;
      result.then(
        () => {
          owner.busy--;
          settle(owner);
        },
        (error: unknown) => fail(owner, error),
      );
    }
    settle(owner);
  }

  function fail(owner: Run | undefined, error: unknown): void {
    if (owner === undefined || owner.over) {
      services.report(vu, error, 'in a timer callback');
      return;
    }
    end(owner);
    owner.failed(error);
  }

  function settle(owner: Run | undefined): void {
    if (owner === undefined || owner.over || owner.done === undefined || owner.busy > 0 || owner !== run || pending.size > 0) return;
    const done = owner.done;
    end(owner);
    done();
  }

  function end(owner: Run): void {
    owner.over = true;
    if (owner === run) pending = new Map();
  }

  function start(name: Timer['name'], callback: unknown, ms: unknown, args: unknown[]): number {
    if (typeof callback !== 'function') {
      throw new TypeError(`${name}(): the callback must be a function, got ${callback === null ? 'null' : typeof callback}`);
    }
    const id = nextId++;
    arm({ name, id, callback: callback as Timer['callback'], args, ms: delayOf(ms) });
    return id;
  }

  function clear(id: unknown): void {
    if (typeof id !== 'number') return;
    const cancel = pending.get(id);
    if (cancel === undefined) return;
    pending.delete(id);
    cancel();
    settle(run);
  }

  const api: TimerApi = Object.freeze({
    setTimeout: (callback: unknown, ms?: unknown, ...args: unknown[]): number => start('setTimeout', callback, ms, args),
    setInterval: (callback: unknown, ms?: unknown, ...args: unknown[]): number => start('setInterval', callback, ms, args),
    clearTimeout: clear,
    clearInterval: clear,
  }) as TimerApi;

  function begin(failed: (error: unknown) => void): TimerRun {
    const owner: Run = { failed, done: undefined, busy: 0, over: false };
    run = owner;
    pending = new Map();
    return {
      finish: (done) => {
        if (owner.over) return;
        owner.done = done;
        settle(owner);
      },
      abort: () => {
        if (!owner.over) end(owner);
      },
    };
  }

  return { api, begin };
}
