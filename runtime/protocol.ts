/**
 * What crosses the sandbox boundary. The host sends a batch of events in one call per event-loop
 * turn; the sandbox answers with a batch of actions. Both are flat tuples so one structured copy
 * carries hundreds of them (DESIGN.md: a batch costs ~0.1 µs per event, a lone crossing ~2 µs).
 */

/**
 * Start an iteration: VU, token (echoed back at its end), exported function name, the VU's iteration
 * in its scenario, the scenario's name and its index in the plan (-1 for setup() and teardown(),
 * which run outside any scenario).
 *
 * An iteration of a VU's own loop may chain: when it ends without error in a later crossing than
 * the one that started it, the realm starts the next one itself, in the same crossing, as long as
 * `chainLeft` (iterations the loop may still start) is above 0 and the crossing began before
 * `chainUntil` (the host's clock, as `dispatch` is given it). The next one's token is this one's
 * less 1, and its `end` names it. The host stops a chain it no longer wants with `unchain`.
 */
export type IterateEvent = [
  kind: 'iterate',
  vu: number,
  token: number,
  exec: string,
  iterInScenario: number,
  scenario: string,
  scenarioIndex: number,
  chainLeft?: number,
  chainUntil?: number,
];
/**
 * The VU's running iteration starts no next one itself (see IterateEvent): the host interrupted it,
 * or stopped its loop. It goes first in its crossing, so nothing the realm runs after the host's
 * decision chains.
 */
export type UnchainEvent = [kind: 'unchain', vu: number];
/** A host operation (timer, ...) the VU awaits has finished. */
export type ResolveEvent = [kind: 'resolve', op: number, value: unknown];
/** A host operation failed; the VU's promise rejects with this message. */
export type RejectEvent = [kind: 'reject', op: number, message: string];
/** Forget the given pending operations: the iteration that awaited them was interrupted. */
export type ForgetEvent = [kind: 'forget', ops: number[]];
/** setup()'s result, as JSON, for every VU of the realm. */
export type SetupDataEvent = [kind: 'setupData', json: string];
/** What wsk/execution tells of the test (a TestInfo as JSON), for every VU of the realm, once the options are known. */
export type TestInfoEvent = [kind: 'testInfo', json: string];
/** The events of the core: iterations and the host operations every protocol shares. */
export type CoreEvent = IterateEvent | UnchainEvent | ResolveEvent | RejectEvent | ForgetEvent | SetupDataEvent | TestInfoEvent;
/**
 * An event a protocol adds (its folder under src/protocols declares them): a kind no other
 * protocol uses, then whatever the protocol puts in it.
 */
export type ProtocolEvent = readonly [kind: string, ...rest: unknown[]];
export type SandboxEvent = CoreEvent | ProtocolEvent;

/** Sleep: resolve op after ms. */
export type SleepAction = [kind: 'sleep', vu: number, op: number, ms: number];
/** A sleep that is no longer needed (a timeout whose operation finished first). */
export type CancelAction = [kind: 'cancel', vu: number, op: number];
/** A metric sample; group is the k6 group path ('' at the root); tags are the script's own (or null). */
export type MetricAction = [kind: 'metric', vu: number, name: string, value: number, group: string, tags: Record<string, string> | null];
/** A custom metric created in init code. */
export type DefineMetricAction = [kind: 'define', name: string, type: 'counter' | 'gauge' | 'rate' | 'trend', isTime: boolean];
export type LogAction = [kind: 'log', vu: number, level: 'log' | 'info' | 'warn' | 'error' | 'debug', text: string];
/** A VU's init code that awaited ended (its createVu said `pending`): it is ready, or failed. */
export type ReadyAction = [kind: 'ready', vu: number, result: VuInitResult];
/**
 * An iteration ended: error is null when it completed; result is the JSON of setup()'s or
 * handleSummary()'s return value, else ''; `next` is the token of the iteration the realm chained
 * to it (IterateEvent), 0 (or absent) for none.
 */
export type IterationEndAction = [kind: 'end', vu: number, token: number, error: ScriptErrorInfo | null, result: string, next?: number];
/**
 * Script code the host did not call directly threw — a socket handler, a request's match/until
 * predicate, a timer callback — or a value the VU handed over could not cross. The VU goes on;
 * `where` says what threw ("socket 'message' handler").
 */
export type ScriptErrorAction = [kind: 'error', vu: number, error: ScriptErrorInfo, where: string];
/** The VU's own tags (exec.vu.tags) changed: all of them from now on, or null for none. */
export type VuTagsAction = [kind: 'tags', vu: number, tags: Record<string, string> | null];
/** exec.test.abort(): the whole test stops now; the error says why and where. */
export type AbortAction = [kind: 'abort', vu: number, error: ScriptErrorInfo];
export type CoreAction = SleepAction | CancelAction | MetricAction | DefineMetricAction | LogAction | ReadyAction | IterationEndAction | ScriptErrorAction | VuTagsAction | AbortAction;
/** An action a protocol adds: a kind no other protocol uses, the VU it comes from, then the protocol's own fields. */
export type ProtocolAction = readonly [kind: string, vu: number, ...rest: unknown[]];
export type SandboxAction = CoreAction | ProtocolAction;

/**
 * Bytes in an event (a binary WebSocket message, say) cross without the host making an ArrayBuffer
 * of them: a Node Buffer (any Uint8Array) at the top level of a host's event is copied into the
 * realm's inbox, memory the host and the realm share (src/sandbox/inbox.ts), and its place in the
 * tuple crosses as null. These places come with the batch, four numbers each: the event's index in
 * the batch, the value's index in the event, and the bytes' offset and length in the inbox. Before it
 * delivers the batch, the realm puts an ArrayBuffer copy of the bytes in each place (`unpackBytes`), so
 * a handler gets an ArrayBuffer as it would have. A host ArrayBuffer per message made the worker's
 * heap run a full garbage collection every ~150 ms under 200 echoed audio streams (V8 counts the
 * bytes of ArrayBuffers against the old generation's limit).
 */
export type BytePlaces = number[];

/** Puts the bytes the host left in the inbox into the events of a batch (see BytePlaces). */
export function unpackBytes(events: readonly SandboxEvent[], places: BytePlaces, inbox: Uint8Array): void {
  for (let at = 0; at + 3 < places.length; at += 4) {
    (events[places[at]!] as unknown[])[places[at + 1]!] = copyOut(inbox, places[at + 2]!, places[at + 3]!);
  }
}

/** An ArrayBuffer of its own holding `byteLength` bytes of the inbox from `offset`. */
function copyOut(inbox: Uint8Array, offset: number, byteLength: number): ArrayBuffer {
  const copy = new Uint8Array(byteLength);
  copy.set(inbox.subarray(offset, offset + byteLength));
  return copy.buffer;
}

/**
 * A batch whose events hold only numbers, strings, booleans, null, undefined and bytes crosses
 * packed, without the structured copy that costs about 2 µs per crossing whatever it carries (most of
 * what one echoed audio frame's crossing cost). The host writes it into the inbox as 8-byte slots
 * (src/sandbox/inbox.ts, Inbox.pack), and its strings go as arguments of the call, which
 * isolated-vm copies as strings. The slots hold the number of events, then for each event its length
 * and each value as a tag (Packed) followed by: a number, the number (tagged `int` when it is a
 * 32-bit integer, which the realm reads back as one, so ids and op numbers stay small integers in the
 * VUs' objects rather than boxed doubles); a string, its index among the strings; bytes, their length,
 * then the bytes themselves from the next slot on (aligned, so the realm copies them out by words).
 * The realm unpacks the whole batch before it delivers any of it, and takes the bytes (InboxBytes)
 * while delivering, so the next crossing may write over the slots.
 */
export const Packed = { number: 1, int: 2, string: 3, bytes: 4, true: 5, false: 6, null: 7, undefined: 8 } as const;

/**
 * Bytes of a packed batch, still in the inbox. A protocol that asks for them this way
 * (SandboxProtocolRealm.takesInboxBytes) makes the ArrayBuffer only when something will read it: an
 * audio stream's echoed frames that only a handler without parameters sees need none, and making
 * one (allocating 3,200 bytes and copying them) was most of what such a frame cost the sandbox.
 * `take()` is valid only while the event that carried it is delivered: the next crossing writes
 * over the inbox.
 */
export class InboxBytes {
  readonly #inbox: Uint8Array;
  readonly #offset: number;
  readonly byteLength: number;

  constructor(inbox: Uint8Array, offset: number, byteLength: number) {
    this.#inbox = inbox;
    this.#offset = offset;
    this.byteLength = byteLength;
  }

  /** A copy of the bytes as an ArrayBuffer of their own. */
  take(): ArrayBuffer {
    return copyOut(this.#inbox, this.#offset, this.byteLength);
  }
}

/** Makes the ArrayBuffer of each InboxBytes in `event`, for a handler that takes ArrayBuffers. */
export function takeInboxBytes(event: unknown[]): void {
  for (let field = 1; field < event.length; field++) {
    const value = event[field];
    if (value instanceof InboxBytes) event[field] = value.take();
  }
}

/**
 * The batch the host packed into `slots` (a view of the inbox `bytes`), with its `strings` (see
 * Packed). Bytes stay in the inbox as InboxBytes; the realm takes them for every handler that did not
 * ask for them that way.
 */
export function unpackEvents(bytes: Uint8Array, slots: Float64Array, strings: readonly string[]): SandboxEvent[] {
  let at = 0;
  const count = slots[at++]!;
  // Arrays of their exact length: a VU may keep an event, and one grown by push has room for 17.
  const events = new Array<unknown[]>(count);
  for (let index = 0; index < count; index++) {
    const length = slots[at++]!;
    const event = new Array<unknown>(length);
    for (let field = 0; field < length; field++) {
      const tag = slots[at++];
      if (tag === Packed.int) event[field] = slots[at++]! | 0;
      else if (tag === Packed.number) event[field] = slots[at++];
      else if (tag === Packed.string) event[field] = strings[slots[at++]!];
      else if (tag === Packed.bytes) {
        const byteLength = slots[at++]!;
        event[field] = new InboxBytes(bytes, at * 8, byteLength);
        at += Math.ceil(byteLength / 8);
      } else event[field] = tag === Packed.true ? true : tag === Packed.false ? false : tag === Packed.null ? null : undefined;
    }
    events[index] = event;
  }
  return events as unknown as SandboxEvent[];
}

/** A message of either direction, as a protocol's handler tables see it. */
export type ProtocolMessage = readonly [kind: string, ...rest: unknown[]];

const CORE_EVENTS: { readonly [Kind in CoreEvent[0]]: true } = { iterate: true, unchain: true, resolve: true, reject: true, forget: true, setupData: true, testInfo: true };
const CORE_ACTIONS: { readonly [Kind in CoreAction[0]]: true } = {
  sleep: true,
  cancel: true,
  metric: true,
  define: true,
  log: true,
  ready: true,
  end: true,
  error: true,
  tags: true,
  abort: true,
};
// Looked up in Sets: a kind arrives as a string the crossing made anew, which V8 looks up in a Set
// several times faster than as an object's key (0.05 against 0.28 µs, once per event and action).
const CORE_EVENT_KINDS: ReadonlySet<string> = new Set(Object.keys(CORE_EVENTS));
const CORE_ACTION_KINDS: ReadonlySet<string> = new Set(Object.keys(CORE_ACTIONS));

export function isCoreEvent(event: SandboxEvent): event is CoreEvent {
  return CORE_EVENT_KINDS.has(event[0]);
}

export function isCoreAction(action: SandboxAction): action is CoreAction {
  return CORE_ACTION_KINDS.has(action[0]);
}

/** Whether a protocol may use `kind` for a message of its own (the core's kinds are taken). */
export function isCoreKind(kind: string): boolean {
  return Object.hasOwn(CORE_EVENTS, kind) || Object.hasOwn(CORE_ACTIONS, kind);
}

/**
 * A protocol's handlers, one for every kind of its message union `M`: a kind added to the union
 * without a handler fails to compile here. `Args` are what the handlers get besides the message.
 */
export type HandlerTable<M extends ProtocolMessage, Args extends unknown[]> = {
  readonly [Kind in M[0]]: (message: Extract<M, readonly [Kind, ...unknown[]]>, ...args: Args) => void;
};

/** A test for the messages of one protocol's union `M`, from the table of all its kinds. */
export function kindsOf<M extends ProtocolMessage>(kinds: { readonly [Kind in M[0]]: true }): (message: ProtocolMessage) => message is M {
  const known: ReadonlySet<string> = new Set(Object.keys(kinds));
  return (message): message is M => known.has(message[0]);
}

/** The same table as the registry holds it: by kind, for any message of the protocol. */
export type Handlers<Args extends unknown[]> = Readonly<Record<string, (message: ProtocolMessage, ...args: Args) => void>>;

/**
 * A protocol's complete handler table, for the registry. Each handler is only ever called with a
 * message of its own kind, which is what its parameter type says.
 */
export function handlers<M extends ProtocolMessage, Args extends unknown[] = []>(table: HandlerTable<M, Args>): Handlers<Args> {
  return table as unknown as Handlers<Args>;
}
/** An exception thrown by script code, as it crosses to the host (the stack still has bundle positions). */
export interface ScriptErrorInfo {
  readonly message: string;
  readonly stack: string;
}

/** A runtime module's export the script uses (src/bundle/imports.ts), checked before its code runs. */
export interface ImportReference {
  /** The wsk module id. */
  readonly module: string;
  /** As the script wrote it: a k6 alias or the wsk id. */
  readonly specifier: string;
  /** From the module's namespace: ['sleep'], ['default', 'file'], ['default', 'vu', 'tags']. */
  readonly path: readonly string[];
  /** "script.js:3:10" */
  readonly at: string;
}

/**
 * The slots of the Int32Array a realm shares with its host (bootRealm's `runningCell`): the VU whose
 * code runs, and whether actions wait for the drain (1) or not (0).
 */
export const RealmCell = { vu: 0, actionsWaiting: 1, slots: 2 } as const;

/** Bytes of wsk/data's run-wide feeder counters: the first part of the run's shared memory (run-memory.ts). */
export const RUN_COUNTERS_BYTES = 1024 * Int32Array.BYTES_PER_ELEMENT;

/** A scenario as wsk/execution tells of it; `index` is its place in the plan (its slots in run-memory.ts). */
export interface TestScenarioInfo {
  readonly name: string;
  readonly executor: string;
  /** The tags its samples get: the options', its own and its name (what exec.vu.tags starts from). */
  readonly tags: Readonly<Record<string, string>>;
  /** What exec.scenario.progress measures: the time its executor runs, or the iterations it runs in all. */
  readonly progress: { readonly durationMs: number } | { readonly iterations: number };
}

/** What the coordinator tells every realm about the test once the options are known (a TestInfoEvent). */
export interface TestInfo {
  /** The consolidated options, as k6 shows them in exec.test.options. */
  readonly options: Record<string, unknown>;
  /** The planned scenarios, in plan order. */
  readonly scenarios: readonly TestScenarioInfo[];
}

/** What the host tells a realm once, when it boots it. */
export interface RealmConfig {
  /** 'compartment' freezes the shared realm so VUs cannot leak state through it. */
  readonly lockdown: boolean;
  readonly env: Record<string, string>;
  /** Each scenario's own `env`, merged over `env` for its iterations. */
  readonly scenarioEnv: Record<string, Record<string, string>>;
  /** What the user's code takes from the runtime's modules: each VU checks them before its code runs. */
  readonly imports: readonly ImportReference[];
  /** Whether the user's code names a timer global: if not, its VUs get none (src/sandbox/code.ts, namesTimerGlobals). */
  readonly timerGlobals: boolean;
}

/** Result of creating a VU: its exports' shape, or the init error. */
export interface VuInitResult {
  readonly error: ScriptErrorInfo | null;
  /** True when init code called exec.test.abort(): `error` is the abort's. */
  readonly aborted?: boolean;
  /** Names of exported functions (to validate `exec` and find lifecycle functions). */
  readonly functions: string[];
  /** JSON of the `options` export, or '' when absent. */
  readonly options: string;
  /**
   * Set when the init code awaits (at its top level, or a timer it set): the result comes in a
   * `ready` action once it is over, and the fields above are empty.
   */
  readonly pending?: true;
}
