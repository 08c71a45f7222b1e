/** The `wsk` module (alias `k6`): sleep, check, group, fail, randomSeed. One instance per VU, closing over its state. */
import type * as Wsk from 'wsk';
import type { VuState } from '../vu.js';
import { createExecutionModule } from './execution.js';
import { textRecord } from '../tags.js';

const GROUP_SEPARATOR = '::';

export function createWskModule(state: VuState): typeof Wsk {
  const { services } = state;

  function sleep(seconds: number): Promise<void> {
    if (typeof seconds !== 'number' || !(seconds >= 0) || seconds === Infinity) {
      throw new TypeError(`sleep(): seconds must be a finite number >= 0, got ${String(seconds)}`);
    }
    return services.hostOp(state.id, (op) => ['sleep', state.id, op, seconds * 1000]) as Promise<void>;
  }

  function check<T>(value: T, checkers: Wsk.Checkers<T>, tags?: Record<string, string>): boolean {
    if (checkers === null || typeof checkers !== 'object') {
      throw new TypeError('check(): the second argument must be an object of { name: predicate }');
    }
    let all = true;
    for (const name of Object.keys(checkers)) {
      const predicate = checkers[name];
      const ok = typeof predicate === 'function' ? Boolean(predicate(value)) : Boolean(predicate);
      if (!ok) all = false;
      services.emit(['metric', state.id, 'checks', ok ? 1 : 0, state.group, { ...textRecord(tags, 'check(): tags'), check: name }]);
    }
    return all;
  }

  function group<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    if (typeof name !== 'string' || name === '' || name.includes(GROUP_SEPARATOR)) {
      throw new TypeError(`group(): name must be a non-empty string without "::", got ${JSON.stringify(name)}`);
    }
    if (typeof fn !== 'function') throw new TypeError('group(): the second argument must be a function');
    const parent = state.group;
    const path = parent + GROUP_SEPARATOR + name;
    // Timed on the host's clock, as every other duration.
    const started = services.now();
    const finish = (): void => {
      state.group = parent;
      services.emit(['metric', state.id, 'group_duration', services.now() - started, path, null]);
    };
    state.group = path;
    let result: T | Promise<T>;
    try {
      result = fn();
    } catch (error) {
      finish();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          finish();
          return value;
        },
        (error: unknown) => {
          finish();
          throw error;
        },
      );
    }
    finish();
    return Promise.resolve(result);
  }

  function fail(message?: string): never {
    throw new Error(message === undefined ? 'fail() called' : String(message));
  }

  function randomSeed(seed: number): void {
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new TypeError(`randomSeed(): seed must be a whole number, got ${String(seed)}`);
    state.random = seededRandom(seed);
  }

  return { sleep, check, group, fail, randomSeed, exec: Object.freeze(new LazyExecution(state)) } as typeof Wsk;
}

/**
 * `exec` of the wsk module: the VU's wsk/execution object, made on first use. Most scripts never
 * read it, and in a fleet of 10,000 VUs its objects and closures were a third of each VU's heap;
 * until then the VU holds only this small object, whose members read through to the real one. It
 * is a plain value of the module, not a getter, so the bundle binds it once (RuntimeTable.exports).
 */
class LazyExecution {
  readonly #state: VuState;
  #execution: typeof Wsk.exec | undefined;

  constructor(state: VuState) {
    this.#state = state;
  }

  get vu(): typeof Wsk.exec.vu {
    return this.#real().vu;
  }

  get scenario(): typeof Wsk.exec.scenario {
    return this.#real().scenario;
  }

  get instance(): typeof Wsk.exec.instance {
    return this.#real().instance;
  }

  get test(): typeof Wsk.exec.test {
    return this.#real().test;
  }

  #real(): typeof Wsk.exec {
    return (this.#execution ??= createExecutionModule(this.#state));
  }
}

/** What every VU's wsk module shares: lockdown freezes it. */
export const REALM_SHARED: readonly object[] = [LazyExecution];

/** sfc32 seeded through splitmix32: fast, well mixed, and the same numbers for the same seed on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  const splitmix = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}
