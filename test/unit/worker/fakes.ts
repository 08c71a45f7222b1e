/**
 * A worker environment for VuHost tests: virtual time (timers fire only when the test advances it,
 * next-turn work runs when the test takes a turn) and a scripted sandbox whose realms answer events
 * with the actions a `Program` says, recording every crossing.
 */
import type { IterateEvent, RealmConfig, SandboxAction, SandboxEvent, SleepAction, IterationEndAction, VuInitResult } from '../../../runtime/protocol.js';
import { onNextTurn } from '../../../src/next-turn.js';
import { CrossingError } from '../../../src/sandbox/isolate.js';
import type { HostIsolate, HostRealm, HostTimers, OpenFile, TimerHandle, WorkerEnvironment } from '../../../src/worker/environment.js';

interface FakeTimer {
  atMs: number;
  seq: number;
  /** How long it was armed for: refresh() arms it again as long. */
  readonly ms: number;
  /** Cleared: as in Node, refresh() no longer arms it. */
  cleared?: boolean;
  readonly callback: () => void;
  /** Set for an interval: it fires again this much later. */
  readonly everyMs: number | undefined;
}

/** What a scripted realm does; every hook is optional. */
export interface Program {
  /**
   * A VU's init code; what it throws is the VU's init error (a CrossingError stops the crossing instead).
   * `{ awaitsMs }`: it awaits a timer of that long (a `sleep` action the next crossing brings back),
   * then is ready.
   */
  init?(vu: number, realm: FakeRealm): void | { readonly awaitsMs: number };
  /** Before a crossing delivers `events`: may throw a CrossingError to stop it. */
  crossing?(events: readonly SandboxEvent[], realm: FakeRealm): void;
  /** The answer to an iteration's start (default: sleep 250 ms, then end). */
  iterate?(event: IterateEvent, realm: FakeRealm): SandboxAction[];
  /** The answer to any other event than iterate, unchain, resolve, forget and setupData (default: none). */
  other?(event: SandboxEvent, realm: FakeRealm): SandboxAction[];
  /**
   * Iterations chain as the realm chains them (IterateEvent in runtime/protocol.ts): one that ends
   * (its sleep resolves, always in a later crossing) starts the next itself while its event allowed
   * it, the crossing began before the loop's end time and no `unchain` came.
   */
  chains?: boolean;
}

export const DEFAULT_SLEEP_MS = 250;

const READY: VuInitResult = { error: null, functions: ['default'], options: '' };

export class FakeSandbox {
  readonly isolates: FakeIsolate[] = [];
  /** Every crossing, in order: the realm and the events it carried. */
  readonly crossings: { readonly realm: FakeRealm; readonly events: readonly SandboxEvent[] }[] = [];
  program: Program = {};

  createIsolate(openFile: OpenFile): FakeIsolate {
    const isolate = new FakeIsolate(this, openFile);
    this.isolates.push(isolate);
    return isolate;
  }

  /** The crossings that carried events of a given kind. */
  crossingsWith(kind: string): (readonly SandboxEvent[])[] {
    return this.crossings.filter(({ events }) => events.some((event) => event[0] === kind)).map(({ events }) => events);
  }
}

export class FakeIsolate implements HostIsolate {
  readonly realms: FakeRealm[] = [];
  /** What heapUsed() says: a program grows it to make a VU look heavy. */
  heap = 0;
  disposed = false;

  constructor(
    readonly sandbox: FakeSandbox,
    readonly openFile: OpenFile,
  ) {}

  get realmCount(): number {
    return this.realms.length;
  }

  createRealm(config: RealmConfig): FakeRealm {
    const realm = new FakeRealm(this, config);
    this.realms.push(realm);
    return realm;
  }

  heapUsed(): number {
    return this.heap;
  }

  dispose(): void {
    this.disposed = true;
  }
}

export class FakeRealm implements HostRealm {
  /** The VUs whose init code ran here, in order. */
  readonly vus: number[] = [];
  /** What init code read with open(), by VU. */
  readonly opened = new Map<number, string | ArrayBuffer>();
  /** Every event delivered here. */
  readonly events: SandboxEvent[] = [];
  /** The sleeping ops: the VU and the iteration each belongs to (token 0: its init code). */
  readonly #sleeping = new Map<number, { readonly vu: number; readonly token: number }>();
  /** The iteration each VU may chain from, by VU (Program.chains). */
  readonly #chainable = new Map<number, IterateEvent>();
  /** The iterations this realm chained, as the iterate events the host would have sent. */
  readonly chained: IterateEvent[] = [];
  /** The host's clock as the current crossing began. */
  #now = 0;
  /** What init code that awaits left for the next crossing to bring back. */
  #outbox: SandboxAction[] = [];
  #nextOp = 1;

  constructor(
    readonly isolate: FakeIsolate,
    readonly config: RealmConfig,
  ) {}

  /** Whether the host asked each VU to describe its exports, in order. */
  readonly described: boolean[] = [];

  createVu(id: number, describe: boolean): VuInitResult {
    this.vus.push(id);
    this.described.push(describe);
    let awaits: { readonly awaitsMs: number } | void;
    try {
      awaits = this.isolate.sandbox.program.init?.(id, this);
    } catch (error) {
      if (error instanceof CrossingError) throw error;
      return { error: { message: (error as Error).message, stack: '' }, functions: [], options: '' };
    }
    if (awaits === undefined) return READY;
    this.#outbox.push(this.sleep(id, 0, awaits.awaitsMs));
    return { error: null, functions: [], options: '', pending: true };
  }

  flush(events: readonly SandboxEvent[], now: number): SandboxAction[] {
    this.#now = now;
    const program = this.isolate.sandbox.program;
    this.isolate.sandbox.crossings.push({ realm: this, events: [...events] });
    program.crossing?.(events, this);
    const actions: SandboxAction[] = this.#outbox;
    this.#outbox = [];
    for (const event of events) {
      this.events.push(event);
      actions.push(...this.#answer(event, program));
    }
    return actions;
  }

  /** A sleep action of VU `vu`'s iteration `token`; when its op resolves, the iteration ends. */
  sleep(vu: number, token: number, ms: number): SleepAction {
    const op = this.#nextOp++;
    this.#sleeping.set(op, { vu, token });
    return ['sleep', vu, op, ms];
  }

  /** The VU an event concerns (0: the whole realm). */
  vuOf(event: SandboxEvent): number {
    if (event[0] === 'iterate') return event[1] as number;
    if (event[0] === 'resolve') return this.#sleeping.get(event[1] as number)?.vu ?? 0;
    return 0;
  }

  /** `open()` of init code. */
  open(vu: number, file: string, binary: boolean): void {
    this.opened.set(vu, this.isolate.openFile(file, binary));
  }

  /** V8 disposes an isolate whose heap reached its limit. */
  die(): void {
    this.isolate.disposed = true;
  }

  #iterate(event: IterateEvent, program: Program): SandboxAction[] {
    if (program.chains === true && (event[7] ?? 0) > 0) this.#chainable.set(event[1], event);
    else this.#chainable.delete(event[1]);
    return program.iterate?.(event, this) ?? [this.sleep(event[1], event[2], DEFAULT_SLEEP_MS)];
  }

  #answer(event: SandboxEvent, program: Program): SandboxAction[] {
    switch (event[0]) {
      case 'iterate':
        return this.#iterate(event as IterateEvent, program);
      case 'unchain':
        this.#chainable.delete(event[1] as number);
        return [];
      case 'resolve': {
        const sleeping = this.#sleeping.get(event[1] as number);
        if (sleeping === undefined) return [];
        this.#sleeping.delete(event[1] as number);
        if (sleeping.token === 0) return [['ready', sleeping.vu, READY]];
        const from = this.#chainable.get(sleeping.vu);
        this.#chainable.delete(sleeping.vu);
        if (from === undefined || from[2] !== sleeping.token || this.#now >= from[8]!) {
          const end: IterationEndAction = ['end', sleeping.vu, sleeping.token, null, ''];
          return [end];
        }
        const next: IterateEvent = [...from];
        next[2] = from[2] - 1;
        next[4] = from[4] + 1;
        next[7] = from[7]! - 1;
        this.chained.push(next);
        const end: IterationEndAction = ['end', sleeping.vu, sleeping.token, null, '', next[2]];
        return [end, ...this.#iterate(next, program)];
      }
      case 'forget':
        for (const op of event[1] as number[]) this.#sleeping.delete(op);
        return [];
      case 'setupData':
        return [];
      default:
        return program.other?.(event, this) ?? [];
    }
  }
}

/** Virtual time: nothing fires until the test advances it or takes a turn. */
export class FakeEnvironment implements WorkerEnvironment {
  readonly sandbox = new FakeSandbox();
  readonly timers: HostTimers;
  /** What epochMs() is when now() is 0. */
  readonly epochOrigin = 1_700_000_000_000;
  #time = 0;
  #seq = 0;
  /** Timeouts made with setTimeout (refreshed ones are not made again). */
  timeoutsMade = 0;
  readonly #pending = new Set<FakeTimer>();
  #immediates: (() => void)[] = [];

  constructor() {
    const add = (callback: () => void, ms: number, everyMs: number | undefined): FakeTimer => {
      const timer: FakeTimer = { atMs: this.#time + ms, seq: this.#seq++, ms, callback, everyMs };
      this.#pending.add(timer);
      return timer;
    };
    const clear = (timer: TimerHandle): void => {
      (timer as FakeTimer).cleared = true;
      this.#pending.delete(timer as FakeTimer);
    };
    const nextTurn = (callback: () => void): void => {
      this.#immediates.push(callback);
    };
    this.timers = {
      setTimeout: (callback, ms) => {
        this.timeoutsMade++;
        return add(callback, ms, undefined);
      },
      clearTimeout: clear,
      // As Node's: armed again from now, whether it fired or is still pending; a cleared one stays cleared.
      refresh: (handle) => {
        const timer = handle as FakeTimer;
        if (timer.cleared === true) return;
        timer.atMs = this.#time + timer.ms;
        timer.seq = this.#seq++;
        this.#pending.add(timer);
      },
      setInterval: (callback, ms) => add(callback, ms, ms),
      clearInterval: clear,
      setImmediate: nextTurn,
      onNextTurn: (work) => onNextTurn(work, nextTurn),
    };
  }

  now(): number {
    return this.#time;
  }

  epochMs(): number {
    return this.epochOrigin + this.#time;
  }

  createIsolate(_code: unknown, _limits: unknown, openFile: OpenFile): FakeIsolate {
    return this.sandbox.createIsolate(openFile);
  }

  /** Timeouts still pending (sleeps), not counting intervals. */
  get pendingTimeouts(): number {
    return [...this.#pending].filter((timer) => timer.everyMs === undefined).length;
  }

  get pendingTimers(): number {
    return this.#pending.size;
  }

  /** Runs what waits for the next turn (and what that schedules), without moving time. */
  turn(): void {
    for (let rounds = 0; this.#immediates.length > 0; rounds++) {
      if (rounds > 10_000) throw new Error('next-turn work keeps scheduling more');
      const due = this.#immediates;
      this.#immediates = [];
      for (const callback of due) callback();
    }
  }

  /** Moves time forward by `ms`, firing each due timer in time order (ties: in the order armed), with a turn after each. */
  advance(ms: number): void {
    this.#advance(ms, true);
  }

  /** As `advance`, but without a turn after the timers: what they queued has not crossed yet. */
  fire(ms: number): void {
    this.#advance(ms, false);
  }

  #advance(ms: number, turns: boolean): void {
    const until = this.#time + ms;
    if (turns) this.turn();
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.#pending) {
        if (timer.atMs <= until && (next === undefined || timer.atMs < next.atMs || (timer.atMs === next.atMs && timer.seq < next.seq))) next = timer;
      }
      if (next === undefined) break;
      this.#time = next.atMs;
      if (next.everyMs === undefined) this.#pending.delete(next);
      else next.atMs += next.everyMs;
      next.callback();
      if (turns) this.turn();
    }
    this.#time = until;
  }
}
