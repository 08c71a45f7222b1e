/**
 * The host side of the sandbox: the only module that imports isolated-vm. An isolate holds realms
 * (V8 contexts); a realm holds VUs — many of them with compartment isolation, one with context
 * isolation — and is driven by batches: `flush(events)` crosses into it twice (dispatch the events,
 * then drain the actions they caused once microtasks have run).
 */
import ivm from 'isolated-vm';
import { readFileSync } from 'node:fs';
import { writeAtomically } from '../write-atomically.js';
import { toArrayBuffer } from '../net/bytes.js';
import { callHostFunction } from './host-functions.js';
import { Inbox } from './inbox.js';
import { RealmCell, type RealmConfig, type SandboxAction, type SandboxEvent, type VuInitResult } from '../../runtime/protocol.js';
import type { SandboxCode, SandboxLimits } from './code.js';

export type CrossingFailure = 'timeout' | 'disposed' | 'internal';

/** A crossing into the sandbox was stopped: a VU ran too long, or the isolate ran out of memory and died. */
export class CrossingError extends Error {
  override readonly name = 'CrossingError';
  constructor(
    readonly failure: CrossingFailure,
    /** V8's stack at the point it stopped (bundle positions), when it has one. */
    readonly stack_: string,
    /** The VU whose code ran last (0: none yet). */
    readonly runningVu: number,
  ) {
    super(failure === 'timeout' ? 'Script execution timed out' : failure === 'disposed' ? 'Isolate was disposed (memory limit reached)' : 'internal error in a sandbox crossing');
  }

  /** An error of wsk's own while crossing (not the script's): its iterations fail, the worker goes on. */
  static internal(error: unknown): CrossingError {
    const crossing = new CrossingError('internal', errorStack(error), 0);
    crossing.message = `internal error in wsk while crossing into the sandbox (please report it): ${error instanceof Error ? error.message : String(error)}`;
    return crossing;
  }
}

export class SandboxIsolate {
  readonly isolate: ivm.Isolate;
  readonly #runtime: ivm.Script;
  readonly #user: ivm.Script;
  readonly #openFile: ivm.Callback;
  /** The host's monotonic clock, for what the runtime times itself (groups): a sync call, about 2 µs. */
  readonly #now = new ivm.Callback(() => performance.now());
  /** Hashes, random bytes and base64 for wsk/crypto and wsk/encoding (host-functions.ts). */
  readonly #host = new ivm.Callback((name: string, args: unknown[]) => {
    const result = callHostFunction(name, args);
    return result instanceof ArrayBuffer ? new ivm.ExternalCopy(result).copyInto({ release: true }) : result;
  });
  readonly #limits: SandboxLimits;
  readonly #realms = new Set<Realm>();
  /** Where the bytes of a crossing's events wait (inbox.ts): one for every realm, since realms cross one at a time. */
  readonly inbox = new Inbox();

  /** Counters every VU of the run shares (see runtime/modules/data.ts); none: each realm has its own. */
  readonly #counters: SharedArrayBuffer | undefined;

  constructor(code: SandboxCode, limits: SandboxLimits, openFile: (path: string, binary: boolean) => string | ArrayBuffer, counters?: SharedArrayBuffer) {
    this.#limits = limits;
    this.#counters = counters;
    this.isolate = new ivm.Isolate({ memoryLimit: limits.memoryLimitMb });
    this.#runtime = compileRuntime(this.isolate, code.runtime, code.runtimeCodeCache).script;
    this.#user = this.isolate.compileScriptSync(code.user, { filename: code.userFileName });
    this.#openFile = new ivm.Callback((file: string, binary: boolean) => {
      const content = openFile(file, binary);
      return typeof content === 'string' ? content : new ivm.ExternalCopy(content).copyInto({ release: true });
    });
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  /** Bytes of the isolate's heap in use now. */
  heapUsed(): number {
    return this.isolate.getHeapStatisticsSync().used_heap_size;
  }

  /** Realms (contexts) created in this isolate and not yet released. */
  get realmCount(): number {
    return this.#realms.size;
  }

  createRealm(config: RealmConfig): Realm {
    const context = this.isolate.createContextSync();
    const options = { timeout: this.#limits.callTimeoutMs };
    const boot = this.#runtime.runSync(context, { reference: true, ...options }) as ivm.Reference<(...args: unknown[]) => unknown>;
    const factory = this.#user.runSync(context, { reference: true, ...options }) as ivm.Reference<unknown>;
    // Shared, not copied: the host reads which VU was running even after the isolate died (RealmCell).
    const running = new SharedArrayBuffer(RealmCell.slots * Int32Array.BYTES_PER_ELEMENT);
    const router = boot.applySync(
      undefined,
      [
        factory.derefInto({ release: true }),
        new ivm.ExternalCopy(config).copyInto({ release: true }),
        this.#openFile,
        new ivm.ExternalCopy(running).copyInto({ release: true }),
        this.#now,
        this.#counters === undefined ? undefined : new ivm.ExternalCopy(this.#counters).copyInto({ release: true }),
        this.#host,
        new ivm.ExternalCopy(this.inbox.memory).copyInto({ release: true }),
      ],
      { result: { reference: true }, ...options },
    ) as ivm.Reference<Record<string, unknown>>;
    boot.release();
    const realm = new Realm(this, context, router, this.#limits.callTimeoutMs, new Int32Array(running));
    this.#realms.add(realm);
    return realm;
  }

  forget(realm: Realm): void {
    this.#realms.delete(realm);
  }

  dispose(): void {
    for (const realm of this.#realms) realm.release();
    this.#realms.clear();
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }
}

type Fn = ivm.Reference<(...args: unknown[]) => unknown>;

export class Realm {
  readonly #owner: SandboxIsolate;
  readonly #context: ivm.Context;
  readonly #router: ivm.Reference<Record<string, unknown>>;
  readonly #createVu: Fn;
  readonly #dispatch: Fn;
  readonly #dispatchPacked: Fn;
  readonly #drain: Fn;
  readonly #salvage: Fn;
  readonly #running: Int32Array;
  readonly #timeout: number;
  #released = false;

  constructor(owner: SandboxIsolate, context: ivm.Context, router: ivm.Reference<Record<string, unknown>>, timeoutMs: number, running: Int32Array) {
    this.#owner = owner;
    this.#context = context;
    this.#router = router;
    this.#timeout = timeoutMs;
    this.#createVu = router.getSync('createVu', { reference: true }) as Fn;
    this.#dispatch = router.getSync('dispatch', { reference: true }) as Fn;
    this.#dispatchPacked = router.getSync('dispatchPacked', { reference: true }) as Fn;
    this.#drain = router.getSync('drain', { reference: true }) as Fn;
    this.#salvage = router.getSync('salvage', { reference: true }) as Fn;
    this.#running = running;
  }

  /** Runs one VU's init code (the script's top level) in this realm; `describe`: the result names its exports. */
  createVu(id: number, describe: boolean): VuInitResult {
    return this.#call(() => this.#createVu.applySync(undefined, [id, describe], { result: { copy: true }, timeout: this.#timeout })) as VuInitResult;
  }

  /**
   * Delivers `events` at `now` (the worker's clock) and returns the actions they caused (and any that
   * init code left). A crossing whose events queued no action (a message to a handler that sends
   * nothing) makes no drain call: the realm says in shared memory whether actions wait.
   */
  flush(events: readonly SandboxEvent[], now: number): SandboxAction[] {
    return this.#call(() => {
      if (events.length > 0) {
        const strings = this.#owner.inbox.pack(events);
        if (strings !== undefined) {
          this.#dispatchPacked.applySync(undefined, [now, ...strings], { timeout: this.#timeout });
        } else {
          const batch = this.#owner.inbox.stage(events);
          const args = [batch.events, batch.places ?? null, now];
          this.#dispatch.applySync(undefined, args, { arguments: { copy: true }, timeout: this.#timeout });
        }
      }
      return this.#running[RealmCell.actionsWaiting] === 0 ? [] : this.#drainAll();
    }) as SandboxAction[];
  }

  /**
   * The actions waiting in the realm. When a value a script handed over cannot be copied out (a
   * function in a tag, say), the sandbox drops those actions and fails them as their VUs' errors;
   * what the VUs do on those failures (their microtasks ran as salvage returned) is drained too.
   */
  #drainAll(): unknown[] {
    const actions: unknown[] = [];
    for (let round = 0; ; round++) {
      try {
        const drained = this.#drain.applySync(undefined, [], { result: { copy: true }, timeout: this.#timeout }) as unknown[];
        return actions.length === 0 ? drained : actions.concat(drained);
      } catch (error) {
        // A script that keeps handing over what cannot cross gets its errors; the rest waits a turn.
        if (this.#owner.disposed || isTimeout(error) || round >= 8) throw error;
        actions.push(...(this.#salvage.applySync(undefined, [], { result: { copy: true }, timeout: this.#timeout }) as unknown[]));
      }
    }
  }

  #call(crossing: () => unknown): unknown {
    try {
      return crossing();
    } catch (error) {
      throw this.#classify(error);
    }
  }

  #classify(error: unknown): unknown {
    const running = this.#running[RealmCell.vu] ?? 0;
    if (this.#owner.disposed) return new CrossingError('disposed', errorStack(error), running);
    if (isTimeout(error)) return new CrossingError('timeout', errorStack(error), running);
    return error;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    for (const ref of [this.#createVu, this.#dispatch, this.#dispatchPacked, this.#drain, this.#salvage, this.#router]) ref.release();
    if (!this.#owner.disposed) this.#context.release();
    this.#owner.forget(this);
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /Script execution timed out/.test(error.message);
}

function errorStack(error: unknown): string {
  return error instanceof Error ? String(error.stack ?? error.message) : String(error);
}

const RUNTIME_FILE_NAME = 'wsk-runtime.js';

/** What compileScriptSync also returns with cached-data options (isolated-vm's types leave it out of the sync call's). */
type CompiledWithCache = ivm.Script & ivm.CachedDataResult & { readonly cachedDataRejected?: boolean };

/**
 * The runtime's script in `isolate`, compiled with V8's code cache kept in `cacheFile` when there is
 * one V8 takes, which spares most of its compiling (13 ms of each isolate's start, 4 ms with it). A
 * cache V8 refuses (another V8, other flags) or none yet is made from this compile and kept for the
 * next; a package directory that cannot be written to compiles from source each time. The file is
 * named by a hash of the code (runtimeCodeCacheFile): V8 checks a cache against the length of its
 * source only.
 */
export function compileRuntime(isolate: ivm.Isolate, source: string, cacheFile: string | undefined): { script: ivm.Script; cached: boolean } {
  const options = { filename: RUNTIME_FILE_NAME };
  if (cacheFile === undefined) return { script: isolate.compileScriptSync(source, options), cached: false };
  const kept = readIfPresent(cacheFile);
  if (kept !== undefined) {
    const script = isolate.compileScriptSync(source, { ...options, cachedData: new ivm.ExternalCopy(kept) }) as CompiledWithCache;
    if (script.cachedDataRejected !== true) return { script, cached: true };
  }
  const script = isolate.compileScriptSync(source, { ...options, produceCachedData: true }) as CompiledWithCache;
  const produced = script.cachedData?.copy();
  if (produced !== undefined) keep(cacheFile, new Uint8Array(produced));
  return { script, cached: false };
}

function readIfPresent(file: string): ArrayBuffer | undefined {
  try {
    return toArrayBuffer(readFileSync(file));
  } catch {
    return undefined;
  }
}

function keep(file: string, bytes: Uint8Array): void {
  try {
    // Whole or not at all: isolates that start together never read half a file.
    writeAtomically(file, bytes);
  } catch {
    // Read-only install: compiled from source each time.
  }
}
