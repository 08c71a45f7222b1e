/**
 * Timers: setTimeout, setInterval and their clears, global in VU code and the module `wsk/timers`
 * (alias `k6/timers`). A timer is a sleep on the host, a due time there (the sandbox reads no
 * clock), whose answer runs the callback on the VU's turn. As in k6, the code that set a timer is
 * not done until the timer is: each pending timer (and each promise an async callback returned)
 * holds the event loop of the code that set it (an iteration's, or init code's; see event-loop.ts),
 * and an exception in a callback fails that code. A timer still pending when the host interrupts
 * the iteration is dropped, with k6's warning; one pending when the code fails is dropped silently.
 */
import type * as Timers from 'wsk/timers';
import type { EventLoop } from '../event-loop.js';
import type { RealmServices } from '../vu.js';

export type TimerApi = typeof Timers;

/** A timer as set: an interval arms itself again after each call. */
interface Timer {
  readonly name: 'setTimeout' | 'setInterval';
  readonly id: number;
  readonly callback: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  readonly ms: number;
  /** The event loop of the code that set it. */
  readonly loop: EventLoop;
}

/** One arming of a timer: its host sleep and its hold on the loop. */
interface Armed {
  cancel: () => void;
  release: () => void;
}

/** Browsers' coercion of a delay: a number of milliseconds, anything else (NaN, negative, infinite) 0. */
function delayOf(ms: unknown): number {
  const number = Number(ms);
  return Number.isFinite(number) && number > 0 ? number : 0;
}

/**
 * The four functions, frozen: the globals of the VU's code and the `wsk/timers` module. `loop` is
 * read as each timer is set. The timers' state is made when the VU first sets one: most VUs never do.
 */
export function createTimers(vu: number, services: RealmServices, loop: () => EventLoop): TimerApi {
  let timers: VuTimers | undefined;
  const start = (name: Timer['name'], callback: unknown, ms: unknown, args: unknown[]): number =>
    (timers ??= new VuTimers(vu, services, loop)).start(name, callback, ms, args);
  const clear = (id: unknown): void => timers?.clear(id);
  return Object.freeze({
    setTimeout: (callback: unknown, ms?: unknown, ...args: unknown[]): number => start('setTimeout', callback, ms, args),
    setInterval: (callback: unknown, ms?: unknown, ...args: unknown[]): number => start('setInterval', callback, ms, args),
    clearTimeout: clear,
    clearInterval: clear,
  }) as TimerApi;
}

/** One VU's timers: the pending ones by id. */
class VuTimers {
  readonly #vu: number;
  readonly #services: RealmServices;
  readonly #loop: () => EventLoop;
  readonly #pending = new Map<number, Armed>();
  #nextId = 1;

  constructor(vu: number, services: RealmServices, loop: () => EventLoop) {
    this.#vu = vu;
    this.#services = services;
    this.#loop = loop;
  }

  start(name: Timer['name'], callback: unknown, ms: unknown, args: unknown[]): number {
    if (typeof callback !== 'function') {
      throw new TypeError(`${name}(): the callback must be a function, got ${callback === null ? 'null' : typeof callback}`);
    }
    const id = this.#nextId++;
    this.#arm({ name, id, callback: callback as Timer['callback'], args, ms: delayOf(ms), loop: this.#loop() });
    return id;
  }

  clear(id: unknown): void {
    if (typeof id !== 'number') return;
    const armed = this.#pending.get(id);
    if (armed === undefined) return;
    this.#pending.delete(id);
    armed.cancel();
    armed.release();
  }

  /** Forgets `armed` if it is still the timer's arming; false if something else already did. */
  #drop(timer: Timer, armed: Armed): boolean {
    if (this.#pending.get(timer.id) !== armed) return false;
    this.#pending.delete(timer.id);
    return true;
  }

  #arm(timer: Timer): void {
    const armed: Armed = { cancel: () => {}, release: () => {} };
    // The hold first: it throws when the loop is over, and then no sleep is left behind.
    armed.release = timer.loop.hold(() => {
      // The code failed with the timer pending: the host is told to forget its sleep.
      if (this.#drop(timer, armed)) armed.cancel();
    });
    armed.cancel = this.#services.timer(
      this.#vu,
      timer.ms,
      () => this.#fire(timer, armed),
      () => {
        // The host forgot the sleep: it interrupted the iteration. The loop is let go as the VU's next iteration starts.
        if (this.#drop(timer, armed)) this.#services.emit(['log', this.#vu, 'warn', `${timer.name} ${timer.id} was stopped because the VU iteration was interrupted`]);
      },
    );
    this.#pending.set(timer.id, armed);
  }

  #fire(timer: Timer, armed: Armed): void {
    if (this.#pending.get(timer.id) !== armed) return;
    let result: unknown;
    try {
      result = Reflect.apply(timer.callback, undefined, timer.args);
    } catch (error) {
      this.#drop(timer, armed);
      timer.loop.fail(error);
      armed.release();
      return;
    }
    // An async callback holds the loop until its promise settles; a rejection fails the code, as a throw does.
    if (result instanceof Promise) {
      const settled = timer.loop.hold(() => {});
      result.then(settled, (error: unknown) => {
        timer.loop.fail(error);
        settled();
      });
    }
    // The callback may have cleared its own timer; an interval not cleared is armed again before this arming lets go.
    if (this.#pending.get(timer.id) === armed) {
      this.#pending.delete(timer.id);
      if (timer.name === 'setInterval') this.#arm(timer);
    }
    armed.release();
  }
}
