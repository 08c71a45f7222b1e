/**
 * One virtual user inside a realm: its own instance of the user's module code, and the per-VU
 * objects that code sees as modules and globals. All mutable state lives here or in closures, never
 * on anything reachable from globalThis (which lockdown freezes).
 */
import type { ImportReference, ProtocolAction, ProtocolEvent, SandboxAction, ScriptErrorInfo, TestInfo } from './protocol.js';
import type { RunMemory } from './run-memory.js';
import { createWskModule, REALM_SHARED as WSK_SHARED } from './modules/wsk.js';
import { createMetricsModule, REALM_SHARED as METRICS_SHARED } from './modules/metrics.js';
import { createExecutionModule } from './modules/execution.js';
import { createDataModule, REALM_SHARED as DATA_SHARED } from './modules/data.js';
import { createEncodingModule } from './modules/encoding.js';
import { createCryptoModule, REALM_SHARED as CRYPTO_SHARED } from './modules/crypto.js';
import { createSummaryModule } from './modules/summary.js';
import { createHtmlModule, REALM_SHARED as HTML_SHARED } from './modules/html.js';
import { createTimers, type TimerApi } from './modules/timers.js';
import { createConsole } from './console.js';
import { EventLoop } from './event-loop.js';
import { noExportMessage } from './import-messages.js';

/** The user's bundle, wrapped by the host as a function of the names it expects (async when it awaits at its top level). */
export type ModuleFactory = (
  require: (id: string) => unknown,
  module: { exports: Record<string, unknown> },
  exports: Record<string, unknown>,
  __VU: number,
  __ENV: Readonly<Record<string, string>>,
  console: unknown,
  open: (path: string, mode?: string) => unknown,
  setIterationHook: (hook: (iteration: number, env: Readonly<Record<string, string>>) => void) => void,
  Math: Math,
  // Undefined for code that names none of them (RealmConfig.timerGlobals).
  setTimeout: TimerApi['setTimeout'] | undefined,
  clearTimeout: TimerApi['clearTimeout'] | undefined,
  setInterval: TimerApi['setInterval'] | undefined,
  clearInterval: TimerApi['clearInterval'] | undefined,
) => unknown;

/** Host services a VU needs, shared by every VU of a realm. */
export interface RealmServices {
  readonly emit: (action: SandboxAction) => void;
  /** Reports an exception of script code the host did not call directly (a handler, a predicate): the VU goes on. */
  readonly report: (vu: number, error: unknown, where: string) => void;
  /** Starts a host operation for `vu` and returns its promise (resolved by a later 'resolve' event). */
  readonly hostOp: (vu: number, start: (op: number) => SandboxAction) => Promise<unknown>;
  /** A host timer for a timeout: `expired` resolves after `ms` unless `cancel()` came first. */
  readonly timeout: (vu: number, ms: number) => { readonly expired: Promise<unknown>; cancel(): void };
  /**
   * A host timer that calls `fire` after `ms` (on the VU's turn, no promise in between), or
   * `forgotten` if the host drops it (the iteration ended first); returns its cancel.
   */
  readonly timer: (vu: number, ms: number, fire: () => void, forgotten: () => void) => () => void;
  readonly openFile: (path: string, binary: boolean) => unknown;
  /** The host's monotonic clock in ms (performance.now() on the host). */
  readonly now: () => number;
  /** True while the realm is running init code (module top level). */
  readonly inInit: () => boolean;
  /** Marks `vu` as the VU whose code runs now (a protocol handing one of its objects an event). */
  readonly enter: (vu: number) => void;
  /** Runs a host function (src/sandbox/host-functions.ts) and returns its result: hashes, base64, random bytes. */
  readonly host: (name: string, ...args: unknown[]) => unknown;
  /** Counters every VU of the run shares (memory shared by all workers): wsk/data's run-wide feeders. */
  readonly counters: Int32Array;
  /** The same memory as wsk/execution reads it: the run's live counts and times (run-memory.ts). */
  readonly run: RunMemory;
  /** What the coordinator told of the test (frozen), once it did: not in the lifecycle VU's init code. */
  readonly test: () => TestInfo | undefined;
  /** exec.test.abort(): tells the host, and marks the realm so init code that catches it still fails. */
  readonly abort: (vu: number, error: ScriptErrorInfo) => void;
}

/**
 * The sandbox side of a protocol (src/protocols/<name>/sandbox.ts exports one as its default): its
 * modules and the events it takes from the host. The host builds the runtime bundle with every
 * registered protocol's sandbox side, so the runtime itself names none of them.
 */
export interface SandboxProtocol {
  /** Objects every VU of a realm reaches (the classes of what its modules hand out): lockdown freezes them. */
  readonly shared: readonly object[];
  /** Sets the protocol up in a new realm. */
  open(realm: RealmServices): SandboxProtocolRealm;
  /** What the script called to cause `action` (for an action that cannot be sent), and the op it awaits, if any. */
  describe(action: ProtocolAction): ActionDescription | undefined;
}

export interface SandboxProtocolRealm {
  /** The protocol's modules by id ('wsk/ws'): each VU that imports one gets its own instance. */
  readonly modules: Readonly<Record<string, (vu: VuState) => unknown>>;
  /** A handler for each kind of event the protocol adds (see `handlers` in protocol.ts). */
  readonly events: Readonly<Record<string, (event: ProtocolEvent) => void>>;
  /**
   * Its handlers take the bytes of packed batches as InboxBytes (protocol.ts), to make an ArrayBuffer
   * only of what will be read; otherwise the realm makes one of each before delivering.
   */
  readonly takesInboxBytes?: boolean;
}

export interface ActionDescription {
  /** As the script wrote it: 'socket.request()', 'http.request(GET https://...)'. */
  readonly call: string;
  /** The operation the VU awaits, when it awaits one: it rejects with the error. */
  readonly op?: number;
  /** The index of the action's own tags, so a bad value is named 'tags.x'. */
  readonly tagsAt?: number;
}

export interface VuState {
  readonly id: number;
  readonly services: RealmServices;
  group: string;
  scenario: string;
  /** The scenario's index in the plan; -1 outside one (init code, setup(), teardown()). */
  scenarioIndex: number;
  /** The running iteration's number among the VU's, from 0 (-1 before the first). */
  iterationInInstance: number;
  iterationInScenario: number;
  /** The event loop of the code running (see event-loop.ts): init code's first, then a new one each iteration. */
  loop: EventLoop;
  /** The running iteration's number in its scenario across the whole run, from 0. */
  iterationInTest: number;
  /** The token of the running iteration when it may chain the next one (IterateEvent), else 0. */
  chainToken: number;
  /**
   * Tags the script set on the VU (exec.vu.tags): they go on every sample it records until its
   * scenario changes. Made with the VU's wsk/execution object (imported, or first read as wsk's
   * `exec`), the only one that sets them.
   */
  tags: Map<string, string> | undefined;
  /** Metadata the script set on the VU (exec.vu.metrics.metadata): kept here, it reaches no output. Made as `tags` is. */
  metadata: Map<string, string> | undefined;
  /** Updates the VU's `__ITER` and `__ENV` bindings (they live in the wrapper around its module code). */
  setIteration: (iteration: number, env: Readonly<Record<string, string>>) => void;
  /** What the VU's `Math.random` returns: the realm's until `randomSeed()` gives the VU a seeded generator. */
  random: () => number;
  /** The timers its code sets (see timersOf): each holds the event loop of the code that set it until it is over. */
  timers: TimerApi | undefined;
}

export interface Vu {
  readonly state: VuState;
  readonly exports: Record<string, unknown>;
  setupData: unknown;
  setupParsed: boolean;
}

/** A VU's record: its exports are read when asked, since init code that awaits hands them over as it ends. */
class VuRecord implements Vu {
  setupData: unknown = undefined;
  setupParsed = false;
  readonly #module: { exports: Record<string, unknown> };

  constructor(
    readonly state: VuState,
    module: { exports: Record<string, unknown> },
  ) {
    this.#module = module;
  }

  get exports(): Record<string, unknown> {
    return this.#module.exports;
  }
}

/**
 * The runtime's objects that every VU of a realm can reach (classes of what modules hand out, shared
 * module objects), for lockdown to freeze with the intrinsics. What `require` returns is frozen too.
 */
export const REALM_SHARED: readonly object[] = [...WSK_SHARED, ...METRICS_SHARED, ...DATA_SHARED, ...CRYPTO_SHARED, ...HTML_SHARED];

/** The modules of the core, by id; the protocols add theirs. */
const CORE_MODULES: ProtocolModules = {
  wsk: (vu) => createWskModule(vu),
  'wsk/metrics': () => createMetricsModule(),
  'wsk/execution': (vu) => createExecutionModule(vu),
  'wsk/data': () => createDataModule(),
  'wsk/encoding': (vu) => createEncodingModule(vu.services),
  'wsk/crypto': (vu) => createCryptoModule(vu.services),
  'wsk/summary': (vu) => createSummaryModule(vu.services),
  'wsk/html': () => createHtmlModule(),
  'wsk/timers': (vu) => timersOf(vu),
};

/** The VU whose init code (module top level) is running, if any: what it creates is its own. */
let initializing: VuState | undefined;

export function initializingVu(): VuState | undefined {
  return initializing;
}

/**
 * Marks whose init code runs now. Init code that awaits goes on in later crossings: the realm marks
 * its VU again for each of them (the host gives such a VU's events crossings of their own).
 */
export function enterInit(state: VuState | undefined): void {
  initializing = state;
}

export function errorInfo(error: unknown): ScriptErrorInfo {
  if (error instanceof Error) return { message: `${error.name}: ${error.message}`, stack: String(error.stack ?? '') };
  let text: string;
  try {
    text = typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    text = String(error);
  }
  return { message: `Uncaught ${text}`, stack: '' };
}

/** The modules of each protocol of the realm, by id. */
export type ProtocolModules = Readonly<Record<string, (vu: VuState) => unknown>>;

/** A VU whose init code ran up to its end or its first top-level await. */
export interface InstantiatedVu {
  readonly vu: Vu;
  /** What the module code returned: a promise when it awaits at its top level (see wrapUserCode). */
  readonly returned: unknown;
}

/**
 * Instantiates the user's module code for one VU; throws what the init code throws before it
 * returns or first awaits. The VU's event loop is its init code's until the caller ends it.
 * `timerGlobals`: whether the code names a timer global (RealmConfig), else its VUs get none.
 */
export function instantiateVu(
  factory: ModuleFactory,
  id: number,
  env: Readonly<Record<string, string>>,
  services: RealmServices,
  protocolModules: ProtocolModules,
  imports: readonly ImportReference[] = [],
  timerGlobals = true,
): InstantiatedVu {
  const state: VuState = {
    id,
    services,
    group: '',
    scenario: '',
    scenarioIndex: -1,
    iterationInInstance: -1,
    iterationInScenario: 0,
    // Init code's own, until it is over.
    loop: new EventLoop(),
    iterationInTest: 0,
    chainToken: 0,
    tags: undefined,
    metadata: undefined,
    setIteration: () => {},
    random: Math.random,
    timers: undefined,
  };
  const cache: Record<string, unknown> = {};
  const require = (id: string): unknown => {
    if (Object.hasOwn(cache, id)) return cache[id];
    const make = Object.hasOwn(CORE_MODULES, id) ? CORE_MODULES[id] : Object.hasOwn(protocolModules, id) ? protocolModules[id] : undefined;
    if (make === undefined) throw new Error(`module "${id}" is not available in wsk`);
    return (cache[id] = Object.freeze(make(state)));
  };
  const module = { exports: {} as Record<string, unknown> };
  const open = (path: string, mode?: string): unknown => {
    if (!services.inInit()) throw new Error('open() is only available in init code (the top level of the script)');
    if (typeof path !== 'string') throw new TypeError(`open(): path must be a string, got ${typeof path}`);
    return services.openFile(path, mode === 'b');
  };
  checkImports(imports, require);
  let returned: unknown;
  initializing = state;
  try {
    const { setTimeout, clearTimeout, setInterval, clearInterval } = timerGlobals ? timersOf(state) : NO_TIMERS;
    const setIterationHook = (hook: VuState['setIteration']): void => {
      state.setIteration = hook;
    };
    returned = factory(require, module, module.exports, id, env, createConsole(state), open, setIterationHook, vuMath(state), setTimeout, clearTimeout, setInterval, clearInterval);
  } finally {
    initializing = undefined;
  }
  return { vu: new VuRecord(state, module), returned };
}

/** The VU's timers (the globals and `wsk/timers`), made when first asked for. */
function timersOf(state: VuState): TimerApi {
  // The loop is read as each timer is set: the one of the code running then.
  return (state.timers ??= createTimers(state.id, state.services, () => state.loop));
}

/** What code that names no timer global gets for them: it cannot reach them, so no VU makes them. */
const NO_TIMERS: Partial<TimerApi> = {};

/**
 * Stops a script that uses a runtime export wsk lacks before its code runs, naming the export and
 * where the script uses it; left alone it would throw in every iteration of a run that exits 0.
 * Presence is asked with `in`, so the last member's getter never runs.
 */
function checkImports(imports: readonly ImportReference[], require: (id: string) => unknown): void {
  const missing: string[] = [];
  for (const reference of imports) {
    let target: unknown = require(reference.module);
    const [first, ...rest] = reference.path;
    // A module's default export is the module object itself (esbuild's interop sees no __esModule).
    const members = first === 'default' ? rest : reference.path;
    for (let i = 0; i < members.length; i++) {
      const name = members[i]!;
      // Below the module object only namespaces are checked (exec.vu.tags): a function's or class's own
      // members are the script's to probe (`http.expectedStatuses.marker`).
      const checked = i === 0 ? (typeof target === 'object' || typeof target === 'function') && target !== null : typeof target === 'object' && target !== null;
      if (!checked) break;
      if (!(name in (target as object))) {
        missing.push(missingExportMessage(reference, first === 'default' ? i + 1 : i));
        break;
      }
      if (i === members.length - 1) break;
      try {
        target = (target as Record<string, unknown>)[name];
      } catch {
        // A getter that only answers inside an iteration (exec.vu in init code): the rest is not checked.
        break;
      }
    }
  }
  // Every one at once, a line each, as bundling errors are.
  if (missing.length > 0) throw new ImportError(missing.join('\n'));
}

function missingExportMessage(reference: ImportReference, missing: number): string {
  const path = reference.path;
  if (path[0] === 'default') {
    const local = reference.specifier.split('/').pop()!;
    return `${reference.at}: ${local}.${path.slice(1, missing + 1).join('.')} (${reference.specifier}) is not supported by wsk; see "Coming from k6" in wsk's README for what is`;
  }
  return `${reference.at}: ${noExportMessage(reference.specifier, path.slice(0, missing + 1).join('.'))}`;
}

/** Runtime exports the script uses are missing: the host prints its message alone, as bundling errors. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

/**
 * The VU's own `Math`: the realm's, but with a `random` of the VU's, so `randomSeed()` makes one VU's
 * numbers reproducible without touching the others that share the realm.
 */
function vuMath(state: VuState): Math {
  return Object.freeze(Object.create(Math, { random: { value: () => state.random(), writable: false, enumerable: false, configurable: false } })) as Math;
}
