/**
 * The sandbox side of a realm (one V8 context): boots once, then the host drives it with batches of
 * events (`dispatch`) and collects the actions they caused (`drain`). Between the two calls V8 runs
 * the microtasks, so continuations after an `await` have already produced their actions.
 */
import {
  isCoreAction,
  isCoreEvent,
  RealmCell,
  takeInboxBytes,
  unpackBytes,
  unpackEvents,
  type BytePlaces,
  type CoreAction,
  type CoreEvent,
  type ProtocolEvent,
  type RealmConfig,
  type SandboxAction,
  type SandboxEvent,
  type ScriptErrorInfo,
  type TestInfo,
  type VuInitResult,
} from './protocol.js';
import { RUN_MEMORY_BYTES, RunMemory } from './run-memory.js';
import {
  enterInit,
  errorInfo,
  initializingVu,
  instantiateVu,
  REALM_SHARED,
  type ActionDescription,
  type InstantiatedVu,
  type ModuleFactory,
  type ProtocolModules,
  type RealmServices,
  type SandboxProtocol,
  type Vu,
  type VuState,
} from './vu.js';
import { lockdown } from './lockdown.js';
import { EventLoop } from './event-loop.js';
import { OpTable } from './op-table.js';
import { installWebCrypto } from './webcrypto.js';

const resolved = Promise.resolve();

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The host dropped the operation (its iteration ended first). */
  forgotten?(): void;
}

export interface Router {
  /** `describe`: the result names the VU's exports; the host asks only of the first VU (every VU runs the same script). */
  createVu(id: number, describe?: boolean): VuInitResult;
  /**
   * `places`: where bytes the host left in the inbox go (BytePlaces in protocol.ts); `now`: the
   * host's clock as the crossing begins, which a chaining iteration is weighed by (IterateEvent).
   */
  dispatch(events: SandboxEvent[], places?: BytePlaces | null, now?: number): void;
  /** `dispatch` for a batch the host packed into the inbox (Packed in protocol.ts), with its strings. */
  dispatchPacked(now: number, ...strings: string[]): void;
  drain(): SandboxAction[];
  /**
   * After the host failed to copy what `drain` returned (a value the script handed over that cannot
   * cross, such as a function in a tag): the same actions less the ones that cannot cross. The VU of
   * each dropped action gets the error: its awaited operation rejects, or it is reported.
   */
  salvage(): SandboxAction[];
}

/**
 * Boots a realm with the given protocols (the runtime bundle's entry passes the registered ones).
 * `runningCell` is memory shared with the host (RealmCell): the id of the VU whose code runs (or ran
 * last), so the host can name the culprit when it stops a runaway VU or the isolate dies; and whether
 * actions wait for `drain`, so a crossing that queued none makes no drain call.
 */
export function bootRealm(
  protocols: readonly SandboxProtocol[],
  factory: ModuleFactory,
  config: RealmConfig,
  openFile: (path: string, binary: boolean) => unknown,
  runningCell: ArrayBufferLike,
  hostNow: () => number,
  countersCell?: ArrayBufferLike,
  hostCall: (name: string, args: unknown[]) => unknown = () => {
    throw new Error('the host computes nothing for this realm');
  },
  inboxCell?: ArrayBufferLike,
): Router {
  const running = new Int32Array(runningCell);
  const inbox = new Uint8Array(inboxCell ?? new ArrayBuffer(0));
  const inboxSlots = new Float64Array(inbox.buffer, inbox.byteOffset, inbox.byteLength >> 3);
  let outbox: SandboxAction[] = [];
  /** What the last drain handed out, kept until the next one in case the host cannot copy it. */
  let drained: SandboxAction[] = [];
  /** Queues an action for the next drain, and tells the host there is one to drain. */
  const queue = (action: SandboxAction): void => {
    outbox.push(action);
    running[RealmCell.actionsWaiting] = 1;
  };
  /** VUs whose init code awaits: their events cross alone, so what runs in such a crossing is their init code. */
  const initializing = new Map<number, VuState>();
  /** The host operations the VUs await, by id. */
  const pending = new OpTable<Pending & { vu: number }>();
  const vus = new Map<number, Vu>();
  /** Crossings so far, and the host's clock as the last one began: whether an iteration chains (IterateEvent). */
  let crossings = 0;
  let crossingNow = Infinity;
  let setupJson = '';
  const baseEnv = Object.freeze({ ...config.env });
  const scenarioEnv = new Map<string, Readonly<Record<string, string>>>();
  for (const [name, env] of Object.entries(config.scenarioEnv)) {
    scenarioEnv.set(name, Object.freeze({ ...config.env, ...env }));
  }

  // Without memory from the host (a lone realm), the run's shared memory is the realm's own.
  const memory = countersCell ?? new ArrayBuffer(RUN_MEMORY_BYTES);
  let testInfo: TestInfo | undefined;
  /** Set by exec.test.abort(): init code that catches the abort still fails. */
  let aborted: ScriptErrorInfo | undefined;
  const services: RealmServices = {
    emit: (action) => {
      queue(action);
    },
    report: (vu, error, where) => {
      queue(['error', vu, errorInfo(error), where]);
    },
    hostOp: (vu, start) =>
      new Promise((resolve, reject) => {
        queue(start(pending.add({ resolve, reject, vu })));
      }),
    timeout: (vu, ms) => {
      let op = 0;
      const expired = new Promise((resolve, reject) => {
        op = pending.add({ resolve, reject, vu });
      });
      queue(['sleep', vu, op, ms]);
      return {
        expired,
        cancel: () => {
          if (pending.take(op) !== undefined) queue(['cancel', vu, op]);
        },
      };
    },
    timer: (vu, ms, fire, forgotten) => {
      const settle = (): void => {
        enter(vu);
        fire();
      };
      const op = pending.add({ resolve: settle, reject: settle, forgotten, vu });
      queue(['sleep', vu, op, ms]);
      return () => {
        if (pending.take(op) !== undefined) queue(['cancel', vu, op]);
      };
    },
    openFile: sharedFiles(openFile),
    now: hostNow,
    inInit: () => initializingVu() !== undefined,
    enter,
    host: (name, ...args) => hostCall(name, args),
    counters: new Int32Array(memory),
    run: new RunMemory(memory),
    test: () => testInfo,
    abort: (vu, error) => {
      aborted ??= error;
      queue(['abort', vu, error]);
    },
  };
  const modules: Record<string, ProtocolModules[string]> = {};
  const protocolEvents = new Map<string, (event: ProtocolEvent) => void>();
  /** The event kinds whose handlers take bytes as InboxBytes (SandboxProtocolRealm.takesInboxBytes). */
  const takingInboxBytes = new Set<string>();
  for (const protocol of protocols) {
    const realm = protocol.open(services);
    Object.assign(modules, realm.modules);
    for (const [kind, handler] of Object.entries(realm.events)) {
      protocolEvents.set(kind, handler);
      if (realm.takesInboxBytes === true) takingInboxBytes.add(kind);
    }
  }

  /** Marks `vu` as the VU whose code runs now, and whether that code is its init code. */
  function enter(vu: number): void {
    running[RealmCell.vu] = vu;
    enterInit(initializing.get(vu));
  }

  function createVu(id: number, describe = true): VuInitResult {
    enterInit(undefined);
    running[RealmCell.vu] = id;
    let pending = false;
    let result: VuInitResult | undefined;
    // Once: a timer's error may end init code before the code itself does.
    const ready = (error: unknown, vu?: Vu): void => {
      if (result !== undefined) return;
      // exec.test.abort() in init code: the abort, even when the code caught it.
      if (aborted !== undefined) result = { error: aborted, aborted: true, functions: [], options: '' };
      else result = vu === undefined ? { error: errorInfo(error), functions: [], options: '' } : describe ? exportsOf(vu) : UNDESCRIBED;
      if (result.error === null) vus.set(id, vu!);
      initializing.delete(id);
      if (pending) queue(['ready', id, result]);
    };
    let created: InstantiatedVu;
    try {
      created = instantiateVu(factory, id, baseEnv, services, modules, config.imports, config.timerGlobals);
    } catch (error) {
      ready(error);
      return result!;
    }
    const { vu, returned } = created;
    // Init code has an event loop of its own, as an iteration has: it ends once its timers are over too.
    const loop = vu.state.loop;
    loop.run(returned, (outcome) => {
      loop.end();
      if ('error' in outcome) ready(outcome.error);
      else ready(null, vu);
    });
    // The rest of the init code runs in later crossings: first the microtasks of this one, still its own.
    pending = true;
    initializing.set(id, vu.state);
    enterInit(vu.state);
    return { error: null, functions: [], options: '', pending: true };
  }

  function iterate(
    vuId: number,
    token: number,
    exec: string,
    iterInScenario: number,
    scenario: string,
    scenarioIndex: number,
    chainLeft = 0,
    chainUntil = 0,
  ): void {
    const vu = vus.get(vuId);
    if (vu === undefined) return endIteration(vuId, token, exec, { message: `VU ${vuId} does not exist in this realm`, stack: '' }, undefined);
    const { state } = vu;
    enter(vuId);
    // A VU's own tags and metadata last while it stays in one scenario, as in k6.
    if (state.scenarioIndex !== scenarioIndex && ((state.tags?.size ?? 0) > 0 || (state.metadata?.size ?? 0) > 0)) {
      state.tags?.clear();
      state.metadata?.clear();
      queue(['tags', vuId, null]);
    }
    state.scenario = scenario;
    state.scenarioIndex = scenarioIndex;
    state.group = '';
    state.iterationInScenario = iterInScenario;
    state.iterationInTest = services.run.claimIteration(scenarioIndex);
    state.iterationInInstance++;
    state.setIteration(state.iterationInInstance, scenarioEnv.get(scenario) ?? baseEnv);
    state.chainToken = chainLeft > 0 ? token : 0;
    const startedIn = crossings;
    // What an iteration the host interrupted left open (sockets, timers) ends before this one starts.
    state.loop.end();
    const loop = (state.loop = new EventLoop());
    let result: unknown;
    try {
      const fn = vu.exports[exec];
      if (typeof fn !== 'function') throw new TypeError(`the script exports no function named "${exec}"`);
      result = (fn as (data: unknown) => unknown)(setupData(vu, setupJson));
    } catch (error) {
      loop.end();
      return endIteration(vuId, token, exec, errorInfo(error), undefined);
    }
    if (result instanceof Promise || loop.held) {
      // The iteration ends when its promise has settled and nothing it started (a socket, a timer) holds its event loop.
      // One closure per running iteration: a sleeping fleet keeps one each.
      loop.run(result, (outcome) => {
        loop.end();
        if ('error' in outcome) return endIteration(vuId, token, exec, errorInfo(outcome.error), undefined);
        // Chained only from a later crossing: an iteration that ends where it began would loop inside one crossing.
        if (state.chainToken !== token || crossings === startedIn || crossingNow >= chainUntil) return endIteration(vuId, token, exec, null, outcome.value);
        state.chainToken = 0;
        endIteration(vuId, token, exec, null, outcome.value, token - 1);
        iterate(vuId, token - 1, exec, iterInScenario + 1, scenario, scenarioIndex, chainLeft - 1, chainUntil);
      });
    } else {
      loop.end();
      endIteration(vuId, token, exec, null, result);
    }
  }

  /**
   * The iteration's `end` for the host: its error, or the result the host wants of setup() and
   * handleSummary(); `next`, the token of the iteration chained to it.
   */
  function endIteration(vuId: number, token: number, exec: string, error: ScriptErrorInfo | null, result: unknown, next = 0): void {
    const wantResult = error === null && (exec === 'setup' || exec === 'handleSummary');
    queue(['end', vuId, token, error, wantResult ? resultJson(result) : '', next]);
  }

  function dispatch(events: SandboxEvent[], places?: BytePlaces | null, now?: number): void {
    enterInit(undefined);
    crossings++;
    // Without the host's clock, nothing chains.
    crossingNow = now ?? Infinity;
    if (places != null) unpackBytes(events, places, inbox);
    for (const event of events) {
      try {
        deliver(event);
      } catch (error) {
        // Script code reached from an event (a handler) threw past its own guard: the VU's error, not the realm's.
        services.report(running[RealmCell.vu] ?? 0, error, `while handling a ${event[0]} event`);
      }
    }
  }

  function dispatchPacked(now: number, ...strings: string[]): void {
    const events = unpackEvents(inbox, inboxSlots, strings);
    // Every handler but those that take bytes from the inbox themselves gets ArrayBuffers, as from a copy.
    for (const event of events) if (!takingInboxBytes.has(event[0])) takeInboxBytes(event as unknown as unknown[]);
    dispatch(events, null, now);
  }

  function deliver(event: SandboxEvent): void {
    if (isCoreEvent(event)) return deliverCore(event);
    const handler = protocolEvents.get(event[0]);
    if (handler === undefined) throw new Error(`no protocol of this realm takes "${event[0]}" events`);
    handler(event);
  }

  function deliverCore(event: CoreEvent): void {
    switch (event[0]) {
      case 'iterate':
        iterate(event[1], event[2], event[3], event[4], event[5], event[6], event[7], event[8]);
        return;
      case 'unchain': {
        const vu = vus.get(event[1]);
        if (vu !== undefined) vu.state.chainToken = 0;
        return;
      }
      case 'resolve':
      case 'reject': {
        const waiter = pending.take(event[1]);
        if (waiter === undefined) return;
        // The marker runs just before the continuation this settlement queues, so `running` names its VU.
        void resolved.then(() => enter(waiter.vu));
        if (event[0] === 'resolve') waiter.resolve(event[2]);
        else waiter.reject(new Error(event[2]));
        return;
      }
      case 'setupData':
        setupJson = event[1];
        for (const vu of vus.values()) vu.setupParsed = false;
        return;
      case 'forget':
        for (const op of event[1]) {
          pending.take(op)?.forgotten?.();
        }
        return;
      case 'testInfo':
        testInfo = deepFreeze(JSON.parse(event[1]) as TestInfo);
        return;
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${String((unknown as unknown[])[0])}`);
      }
    }
  }

  function drain(): SandboxAction[] {
    drained = outbox;
    outbox = [];
    running[RealmCell.actionsWaiting] = 0;
    return drained;
  }

  function salvage(): SandboxAction[] {
    enterInit(undefined);
    const kept: SandboxAction[] = [];
    for (const action of drained) {
      const description = describe(action);
      const problem = actionProblem(action, description.tagsAt);
      if (problem === undefined) {
        kept.push(action);
        continue;
      }
      const vu = typeof action[1] === 'number' ? action[1] : 0;
      const error = new TypeError(
        `${description.call}: ${problem} cannot be sent to the host (tags, headers and options take strings, numbers, booleans, plain objects and arrays)`,
      );
      // An operation the VU awaits fails where the script awaits it; anything else is reported.
      const op = description.op;
      const waiter = op === undefined ? undefined : pending.take(op);
      if (waiter !== undefined) {
        waiter.reject(error);
      } else {
        services.report(vu, error, 'in a value sent to the host');
      }
    }
    drained = [];
    return kept;
  }

  function describe(action: SandboxAction): ActionDescription {
    if (isCoreAction(action)) return describeCore(action);
    for (const protocol of protocols) {
      const description = protocol.describe(action);
      if (description !== undefined) return description;
    }
    return { call: action[0] };
  }

  installWebCrypto(services);
  if (config.lockdown) lockdown([...REALM_SHARED, ...protocols.flatMap((protocol) => protocol.shared)]);
  return { createVu, dispatch, dispatchPacked, drain, salvage };
}

function describeCore(action: CoreAction): ActionDescription {
  switch (action[0]) {
    case 'sleep':
      return { call: 'sleep()', op: action[2] };
    case 'metric':
      return { call: `metric ${action[2]}`, tagsAt: 5 };
    case 'tags':
      return { call: 'exec.vu.tags' };
    case 'cancel':
    case 'define':
    case 'log':
    case 'ready':
    case 'end':
    case 'error':
    case 'abort':
      return { call: action[0] };
    default: {
      const unknown: never = action;
      return { call: String((unknown as unknown[])[0]) };
    }
  }
}

/** What in an action cannot cross, named from the script's side ("tags.name (a function)"). */
function actionProblem(action: SandboxAction, tagsAt: number | undefined): string | undefined {
  for (let i = 1; i < action.length; i++) {
    const problem = uncopyable(action[i], i === tagsAt ? 'tags' : '');
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * Where a value holds something a structured copy refuses (a function, a symbol, a getter that
 * throws), as a path such as "tags.name (a function)"; undefined when all of it can cross.
 */
function uncopyable(value: unknown, path: string, depth = 0): string | undefined {
  const at = path === '' ? 'a value' : path;
  if (typeof value === 'function') return `${at} (a function)`;
  if (typeof value === 'symbol') return `${at} (a symbol)`;
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return undefined;
  if (depth > 32) return `${at} (nested too deeply)`;
  let keys: string[];
  try {
    keys = Object.keys(value);
  } catch {
    return `${at} (an object that cannot be read)`;
  }
  const array = Array.isArray(value);
  for (const key of keys) {
    const inner = array ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    let item: unknown;
    try {
      item = (value as Record<string, unknown>)[key];
    } catch {
      return `${inner} (a getter that throws)`;
    }
    const problem = uncopyable(item, inner, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * `open()` reads a file from the host once per realm: every VU of the realm gets the same text, and
 * the same bytes for 'b', so 200 VUs of a realm holding one 3 MB utterance hold it once. Text cannot
 * change; bytes could (V8 has no read-only ArrayBuffer), so the runtime never writes into them.
 */
function sharedFiles(read: (path: string, binary: boolean) => unknown): (path: string, binary: boolean) => unknown {
  const files = new Map<string, unknown>();
  return (path, binary) => {
    const key = `${binary ? 'b' : 't'}\u0000${path}`;
    if (!files.has(key)) {
      files.set(key, read(path, binary));
    }
    return files.get(key);
  };
}

/** `value` and everything in it, frozen (plain data, as JSON.parse makes it). */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/** Each VU parses its own copy of setup()'s data, so one VU's changes to it stay its own. */
function setupData(vu: Vu, json: string): unknown {
  if (!vu.setupParsed) {
    vu.setupData = json === '' ? undefined : JSON.parse(json);
    vu.setupParsed = true;
  }
  return vu.setupData;
}

/**
 * A VU the host did not ask to describe: its exports are the first VU's. Describing each of 10,000
 * VUs cost a JSON of the options per VU, and its copy out of the realm.
 */
const UNDESCRIBED: VuInitResult = Object.freeze({ error: null, functions: [], options: '' });

/** The shape of a VU's exports, or the error of an `options` export that is not JSON. */
function exportsOf(vu: Vu): VuInitResult {
  try {
    const functions = Object.keys(vu.exports).filter((name) => typeof vu.exports[name] === 'function');
    return { error: null, functions, options: optionsJson(vu.exports['options']) };
  } catch (error) {
    return { error: errorInfo(error), functions: [], options: '' };
  }
}

function optionsJson(options: unknown): string {
  if (options === undefined) return '';
  return JSON.stringify(options) ?? '';
}

/** Return values only matter for setup() and handleSummary(); undefined and unserialisable ones become ''. */
function resultJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return JSON.stringify({ __wskUnserialisable: String(error) });
  }
}
