/**
 * What a worker thread does: hosts VUs in sandbox realms, runs the iterations the coordinator asks
 * for, serves their host operations (timers), aggregates their metrics, and reports back in batches.
 * It decides nothing about scheduling. Independent of worker_threads so it can be driven directly.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isCoreAction, isCoreKind, type CoreAction, type Handlers, type ProtocolAction, type SandboxAction, type SandboxEvent, type ScriptErrorInfo, type VuInitResult } from '../../runtime/protocol.js';
import { CrossingError, SandboxIsolate, type Realm } from '../sandbox/isolate.js';
import { SampleAggregator } from '../metrics/sink.js';
import { SeriesTags } from '../metrics/tags.js';
import { MetricRegistry } from '../metrics/registry.js';
import { Metric } from '../metrics/builtin.js';
import { onNextTurn } from '../next-turn.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolRegistry } from '../protocols/registry.js';
import type { ProtocolHost, VuPort } from '../protocols/types.js';
import type { NetworkOptions } from '../options/network.js';
import type { MetricDefinition, Tags } from '../types.js';
import {
  IterationStatus,
  type FromWorker,
  type ToWorker,
  type WorkerError,
  type WorkerLog,
  type WorkerSetup,
} from './messages.js';

/** How many queued events from the first on belong to one VU (events of the whole realm ride along). */
function oneVuRun(queued: readonly (HostVu | null)[]): number {
  let vu: HostVu | null = null;
  let count = 0;
  for (const owner of queued) {
    if (count >= FLUSH_CHUNK || (owner !== null && vu !== null && owner !== vu)) break;
    vu ??= owner;
    count++;
  }
  return count;
}

/**
 * Which VU a stopped crossing is blamed on (0: none known). A runaway loop is the VU whose code
 * ran last; memory is the only VU in the crossing, or, once crossings carry one VU each, the VU whose
 * crossings grew the heap most (whoever allocates last when the heap is full need not hold it).
 */
function blame(kind: 'timeout' | 'memory' | 'internal', runningVu: number, victims: readonly HostVu[], place: Placement): number {
  const only = victims.length === 1 ? victims[0]!.id : 0;
  if (kind === 'timeout') return runningVu || only;
  if (kind === 'memory' && place.oneVuPerCrossing) return heaviest(place.vus, only);
  // Unsure: the VU whose code ran last, which the report says may not hold the memory.
  return only || runningVu;
}

/** The VU whose crossings grew the heap most (its leak fills it), or `fallback` when none grew it. */
function heaviest(vus: readonly HostVu[], fallback: number): number {
  let best: HostVu | undefined;
  for (const vu of vus) if (vu.heapGrowth > (best?.heapGrowth ?? 0)) best = vu;
  return best?.id ?? fallback;
}

function describeIds(ids: readonly number[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}

/** VUs created per event-loop turn, so a large fleet does not stall timers and messages. */
const CREATE_CHUNK = 250;
/**
 * Events delivered per crossing. Large enough that the crossing's fixed cost vanishes, small enough
 * that a burst (thousands of timers firing together) is cut into pieces whose results reach the
 * coordinator while the rest is still being delivered, instead of the threads taking turns.
 */
const FLUSH_CHUNK = 512;

interface Placement {
  readonly isolate: SandboxIsolate;
  readonly realm: Realm;
  readonly vus: HostVu[];
  /** Events waiting for the next crossing, and the VU each concerns (null: the whole realm). */
  readonly queue: SandboxEvent[];
  readonly queued: (HostVu | null)[];
  /**
   * Crossings carry one VU's events at a time: set after the isolate ran out of memory in a crossing
   * that several VUs shared, so that the next such failure names its VU for certain.
   */
  oneVuPerCrossing: boolean;
}

interface HostVu {
  readonly id: number;
  place: Placement;
  /** Token of the running iteration; 0 when idle. */
  token: number;
  scenario: number;
  startedAt: number;
  /** Pending host operations of the running iteration, with their timers. */
  readonly ops: Map<number, NodeJS.Timeout>;
  /** The loop this VU runs on its own, if the coordinator started one. */
  loop: Loop | undefined;
  /** The VU as the protocols' host sides see it. */
  readonly port: VuPort;
  /** Isolate heap its crossings added (net), measured only while its placement carries one VU per crossing. */
  heapGrowth: number;
}

interface Loop {
  readonly token: number;
  readonly scenario: number;
  readonly untilEpochMs: number;
  left: number;
  iteration: number;
  /** completed, failed, interrupted (indexed by IterationStatus). */
  readonly counts: [number, number, number];
}

export class VuHost {
  readonly #setup: WorkerSetup;
  readonly #send: (message: FromWorker) => void;
  readonly #vus = new Map<number, HostVu>();
  readonly #placements: Placement[] = [];
  readonly #dirty = new Set<Placement>();
  readonly #registry: MetricRegistry;
  readonly #aggregator = new SampleAggregator();
  readonly #files = new Map<string, string | ArrayBuffer>();
  /** Tags of a scenario and group, as samples carry them and as their series are keyed. */
  readonly #tagCache = new Map<string, { readonly sample: Tags; readonly series: Tags }>();
  #ended: number[] = [];
  #logs: WorkerLog[] = [];
  #errors: WorkerError[] = [];
  #defined: MetricDefinition[] = [];
  #results: { vu: number; token: number; json: string }[] = [];
  #loopsEnded: number[] = [];
  /** Iterations loops ran since the last report, by scenario × 3 + status: counted here, reported with the metrics. */
  #loopIterations = new Map<number, number>();
  /** Tokens of the iterations a VU's loop starts itself: negative, so they never meet the coordinator's. */
  #loopTokens = -1;
  /** Custom metrics already reported to the coordinator. */
  readonly #reported = new Set<string>();
  #setupJson = '';
  #network: NetworkOptions;
  #metricsTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** Each protocol's host side in this worker. */
  readonly #protocols: readonly ProtocolHost[];
  /** The handler of every protocol action kind. */
  readonly #protocolActions = new Map<string, Handlers<[vu: VuPort]>[string]>();

  constructor(setup: WorkerSetup, send: (message: FromWorker) => void, protocols: ProtocolRegistry = PROTOCOLS) {
    this.#setup = setup;
    this.#send = send;
    this.#network = setup.network;
    this.#registry = new MetricRegistry(protocols.metrics);
    const context = {
      record: (metric: string, value: number, tags: Tags) => this.#record(metric, value, tags),
      network: () => this.#network,
    };
    this.#protocols = protocols.protocols.map((protocol) => {
      const host = protocol.open(context);
      for (const [kind, handler] of Object.entries(host.actions)) {
        if (isCoreKind(kind) || this.#protocolActions.has(kind)) throw new Error(`protocol ${protocol.name}: action kind "${kind}" is taken`);
        this.#protocolActions.set(kind, handler);
      }
      return host;
    });
    this.#metricsTimer = setInterval(() => this.#shipMetrics(), setup.metricsIntervalMs);
    this.#metricsTimer.unref();
  }

  receive(message: ToWorker): void {
    switch (message.type) {
      case 'createVus':
        this.#createVus(message.ids);
        break;
      case 'setupData':
        for (const place of this.#placements) this.#enqueue(place, ['setupData', message.json], null);
        this.#setupJson = message.json;
        break;
      case 'run':
        for (let i = 0; i + 3 < message.items.length; i += 4) {
          this.#startIteration(message.items[i]!, message.items[i + 1]!, message.items[i + 2]!, message.items[i + 3]!);
        }
        break;
      case 'loop':
        for (let i = 0; i + 5 < message.items.length; i += 6) {
          const [id, token, scenario, first, max, until] = message.items.slice(i, i + 6) as [number, number, number, number, number, number];
          this.#startLoop(id, token, scenario, first, max, until);
        }
        break;
      case 'interrupt':
        for (let i = 0; i + 1 < message.items.length; i += 2) this.#interrupt(message.items[i]!, message.items[i + 1]!);
        break;
      case 'network':
        this.#network = message.options;
        break;
      case 'stop':
        this.#stop();
        break;
    }
  }

  // -- VU creation ---------------------------------------------------------------------------

  #createVus(ids: readonly number[]): void {
    let next = 0;
    let exports: { functions: string[]; options: string } | null = null;
    const step = (): void => {
      const end = Math.min(ids.length, next + CREATE_CHUNK);
      for (; next < end; next++) {
        const id = ids[next]!;
        let result: VuInitResult;
        try {
          result = this.#createVu(id);
        } catch (error) {
          const info = error instanceof CrossingError ? { message: `${error.message} in init code`, stack: error.stack_ } : { message: String(error), stack: '' };
          this.#send({ type: 'vusCreated', count: next, error: { vu: id, error: info }, exports });
          return;
        }
        if (result.error !== null) {
          this.#flushNow();
          this.#send({ type: 'vusCreated', count: next, error: { vu: id, error: result.error }, exports });
          return;
        }
        exports ??= { functions: result.functions, options: result.options };
      }
      this.#flushNow();
      if (next < ids.length) setImmediate(step);
      else this.#send({ type: 'vusCreated', count: ids.length, error: null, exports });
    };
    step();
  }

  #createVu(id: number): VuInitResult {
    const place = this.#placementWithRoom();
    const result = place.realm.createVu(id);
    if (result.error !== null) return result;
    const vu: HostVu = { id, place, token: 0, scenario: 0, startedAt: 0, ops: new Map(), loop: undefined, port: this.#port(id), heapGrowth: 0 };
    place.vus.push(vu);
    this.#vus.set(id, vu);
    this.#markDirty(place);
    return result;
  }

  #placementWithRoom(): Placement {
    const { isolation, vusPerIsolate } = this.#setup;
    const last = this.#placements.at(-1);
    if (isolation === 'compartment' && last !== undefined && last.vus.length < vusPerIsolate) return last;
    const isolate =
      isolation === 'context' && last !== undefined && last.isolate.realmCount < vusPerIsolate
        ? last.isolate
        : this.#newIsolate();
    const place = this.#newPlacement(isolate, []);
    this.#placements.push(place);
    return place;
  }

  #newPlacement(isolate: SandboxIsolate, vus: HostVu[]): Placement {
    const realm = isolate.createRealm({
      lockdown: this.#setup.isolation === 'compartment',
      env: this.#setup.env,
      scenarioEnv: this.#setup.scenarioEnv,
    });
    const place: Placement = { isolate, realm, vus, queue: [], queued: [], oneVuPerCrossing: false };
    if (this.#setupJson !== '') this.#enqueue(place, ['setupData', this.#setupJson], null);
    return place;
  }

  #newIsolate(): SandboxIsolate {
    return new SandboxIsolate(this.#setup.code, this.#setup.limits, (file, binary) => this.#openFile(file, binary), this.#setup.counters);
  }

  /** `open()` in init code: files are read once per worker and shared by its VUs. */
  #openFile(file: string, binary: boolean): string | ArrayBuffer {
    const resolved = path.resolve(this.#setup.scriptDir, file);
    const key = `${binary ? 'b' : 't'}:${resolved}`;
    let content = this.#files.get(key);
    if (content === undefined) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(resolved);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new Error(`open(${JSON.stringify(file)}): cannot read ${resolved} (${code})`);
      }
      content = binary ? new Uint8Array(bytes).buffer : bytes.toString('utf8');
      this.#files.set(key, content);
    }
    return content;
  }

  // -- Iterations ----------------------------------------------------------------------------

  #startIteration(id: number, token: number, scenario: number, iterInScenario: number): void {
    const vu = this.#vus.get(id);
    const definition = this.#setup.scenarios[scenario];
    if (vu === undefined || definition === undefined) {
      this.#ended.push(id, token, IterationStatus.failed);
      this.#scheduleFlush();
      return;
    }
    vu.token = token;
    vu.scenario = scenario;
    vu.startedAt = performance.now();
    this.#enqueue(vu.place, ['iterate', id, token, definition.exec, iterInScenario, definition.name], vu);
  }

  /** Runs iterations of `scenario` on the VU back to back until `max` of them or `untilEpochMs`. */
  #startLoop(id: number, token: number, scenario: number, first: number, max: number, untilEpochMs: number): void {
    const vu = this.#vus.get(id);
    if (vu === undefined) {
      this.#loopsEnded.push(id, token, 0, 0, 0);
      this.#scheduleFlush();
      return;
    }
    vu.loop = { token, scenario, untilEpochMs, left: max, iteration: first, counts: [0, 0, 0] };
    this.#nextInLoop(vu, vu.loop);
  }

  #nextInLoop(vu: HostVu, loop: Loop): void {
    if (loop.left <= 0 || performance.timeOrigin + performance.now() >= loop.untilEpochMs) {
      vu.loop = undefined;
      this.#loopsEnded.push(vu.id, loop.token, ...loop.counts);
      this.#scheduleFlush();
      return;
    }
    loop.left--;
    this.#startIteration(vu.id, this.#loopTokens--, loop.scenario, loop.iteration++);
  }

  #interrupt(id: number, token: number): void {
    const vu = this.#vus.get(id);
    if (vu === undefined) return;
    if (vu.loop?.token === token) {
      vu.loop.left = 0;
      if (vu.token !== 0) this.#finishIteration(vu, IterationStatus.interrupted);
      return;
    }
    if (vu.token === token) this.#finishIteration(vu, IterationStatus.interrupted);
  }

  /**
   * Every iteration ends here: reported to the coordinator, or counted in the VU's loop, which then
   * starts the next one (unless it was interrupted, which ends the loop).
   */
  #finishIteration(vu: HostVu, status: (typeof IterationStatus)[keyof typeof IterationStatus]): void {
    const token = vu.token;
    this.#abandon(vu);
    const loop = vu.loop;
    if (loop === undefined) {
      this.#ended.push(vu.id, token, status);
      this.#scheduleFlush();
      return;
    }
    loop.counts[status]++;
    const key = loop.scenario * 3 + status;
    this.#loopIterations.set(key, (this.#loopIterations.get(key) ?? 0) + 1);
    if (status === IterationStatus.interrupted) loop.left = 0;
    this.#nextInLoop(vu, loop);
  }

  /** Drops the running iteration's pending operations; its promise chain is left to be collected. */
  #abandon(vu: HostVu): void {
    if (vu.ops.size > 0) {
      for (const timer of vu.ops.values()) clearTimeout(timer);
      if (!vu.place.isolate.disposed) this.#enqueue(vu.place, ['forget', [...vu.ops.keys()]], null);
      vu.ops.clear();
    }
    vu.token = 0;
  }

  #endIteration(vu: HostVu, token: number, error: ScriptErrorInfo | null): void {
    if (vu.token !== token) return;
    this.#recordIteration(vu, performance.now());
    if (error !== null) this.#errors.push({ vu: vu.id, kind: 'iteration', error });
    this.#finishIteration(vu, error === null ? IterationStatus.completed : IterationStatus.failed);
  }

  #recordIteration(vu: HostVu, now: number): void {
    if (!this.#setup.recordIterations) return;
    const tags = this.#tags(vu.scenario, '', null);
    this.#aggregator.add(this.#definition(Metric.iterationDuration), now - vu.startedAt, tags);
    this.#aggregator.add(this.#definition(Metric.iterations), 1, tags);
  }

  // -- Crossing into the sandbox -------------------------------------------------------------

  #enqueue(place: Placement, event: SandboxEvent, vu: HostVu | null): void {
    place.queue.push(event);
    place.queued.push(vu);
    this.#markDirty(place);
  }

  #markDirty(place: Placement): void {
    this.#dirty.add(place);
    this.#scheduleFlush();
  }

  readonly #scheduleFlush = onNextTurn(() => this.#flushNow());

  /** One crossing per dirty placement (a chunk of its queue), then the results go out; the rest waits a turn. */
  #flushNow(): void {
    const places = [...this.#dirty];
    this.#dirty.clear();
    for (const place of places) {
      this.#flushPlace(place);
      if (place.queue.length > 0) this.#dirty.add(place);
    }
    this.#shipBatch();
    if (this.#dirty.size > 0) this.#scheduleFlush();
  }

  #flushPlace(place: Placement): void {
    const count = place.oneVuPerCrossing ? oneVuRun(place.queued) : Math.min(place.queue.length, FLUSH_CHUNK);
    const events = place.queue.splice(0, count);
    const vus = place.queued.splice(0, count);
    // After an out-of-memory in a shared crossing, each VU's crossings are weighed: the VU whose
    // crossings keep what they allocate is the one to blame when the heap runs out again.
    const weighed = place.oneVuPerCrossing ? vus.find((vu) => vu !== null) : undefined;
    const before = weighed === undefined ? 0 : place.isolate.heapUsed();
    let actions: SandboxAction[];
    try {
      actions = place.realm.flush(events);
      if (weighed !== undefined) weighed.heapGrowth += place.isolate.heapUsed() - before;
    } catch (error) {
      this.#recover(place, error instanceof CrossingError ? error : CrossingError.internal(error), vus);
      return;
    }
    for (const action of actions) this.#handle(place, action);
  }

  #handle(place: Placement, action: SandboxAction): void {
    if (isCoreAction(action)) this.#handleCore(place, action);
    else this.#handleProtocol(action);
  }

  #handleProtocol(action: ProtocolAction): void {
    const handler = this.#protocolActions.get(action[0]);
    if (handler === undefined) {
      this.#errors.push({ vu: action[1], kind: 'internal', error: { message: `no protocol handles the sandbox action "${action[0]}"`, stack: '' } });
      return;
    }
    const vu = this.#vus.get(action[1]);
    if (vu !== undefined) handler(action, vu.port);
  }

  #handleCore(place: Placement, action: CoreAction): void {
    switch (action[0]) {
      case 'sleep': {
        const vu = this.#vus.get(action[1]);
        if (vu === undefined || vu.token === 0) return;
        const op = action[2];
        const timer = setTimeout(() => {
          vu.ops.delete(op);
          this.#enqueue(place, ['resolve', op, undefined], vu);
        }, action[3]);
        vu.ops.set(op, timer);
        return;
      }
      case 'cancel': {
        const vu = this.#vus.get(action[1]);
        const timer = vu?.ops.get(action[2]);
        if (vu === undefined || timer === undefined) return;
        clearTimeout(timer);
        vu.ops.delete(action[2]);
        return;
      }
      case 'metric': {
        const vu = this.#vus.get(action[1]);
        const definition = this.#registry.get(action[2]);
        if (definition === undefined) return;
        this.#aggregator.add(definition, action[3], this.#tags(vu?.scenario ?? 0, action[4], action[5]));
        return;
      }
      case 'define': {
        let definition: MetricDefinition;
        try {
          definition = this.#registry.define(action[1], action[2], action[3] ? 'time' : 'default');
        } catch (error) {
          this.#errors.push({ vu: 0, kind: 'iteration', error: { message: (error as Error).message, stack: '' } });
          return;
        }
        if (!this.#reported.has(definition.name)) {
          this.#reported.add(definition.name);
          this.#defined.push(definition);
        }
        return;
      }
      case 'log':
        this.#logs.push({ vu: action[1], level: action[2], text: action[3] });
        return;
      case 'error':
        this.#errors.push({ vu: action[1], kind: 'callback', error: action[2], where: action[3] });
        return;
      case 'end': {
        const vu = this.#vus.get(action[1]);
        if (action[4] !== '') this.#results.push({ vu: action[1], token: action[2], json: action[4] });
        if (vu !== undefined) this.#endIteration(vu, action[2], action[3]);
        return;
      }
      default: {
        const unknown: never = action;
        throw new Error(`unhandled core action ${String((unknown as unknown[])[0])}`);
      }
    }
  }

  /**
   * A crossing was stopped. On a timeout V8 drops the microtasks queued in that crossing, so every
   * VU with events in it loses its iteration; the realm itself is fine. When the isolate died of
   * memory, all its VUs are re-created in a new one (init runs again) and go on. A failure of wsk's
   * own in a crossing fails the iterations in it, and the VUs go on.
   */
  #recover(place: Placement, error: CrossingError, crossed: readonly (HostVu | null)[]): void {
    const victims = [...new Set(crossed)].filter((vu): vu is HostVu => vu !== null && vu.token !== 0);
    const kind = error.failure === 'disposed' ? 'memory' : error.failure;
    // After a shared crossing ran out of memory, `running` may name a VU whose continuation ran
    // earlier in it; only a crossing of one VU names the culprit for certain.
    const sure = victims.length <= 1 || place.oneVuPerCrossing || kind === 'timeout';
    const culprit = blame(kind, error.runningVu, victims, place);
    const message =
      kind === 'memory'
        ? `its isolate's heap reached the limit of ${this.#setup.limits.memoryLimitMb} MB (--memory-limit)${
            sure
              ? ''
              : `; VU ${culprit || '?'} ran last in a crossing shared by VUs ${describeIds(victims.map((vu) => vu.id))}, so it may not be the one holding the memory: from now on that isolate's crossings carry one VU each, so a repeat names it for certain`
          }`
        : error.message;
    this.#errors.push({ vu: culprit, kind, error: { message, stack: kind === 'memory' ? '' : error.stack_ } });
    const failed = error.failure === 'disposed' ? place.vus.filter((vu) => vu.token !== 0) : victims;
    // The VUs move to a new isolate first, so the iterations their loops start next run there.
    if (error.failure === 'disposed') this.#rebuild(place, !sure);
    const now = performance.now();
    for (const vu of failed) {
      if (vu.id !== culprit) this.#errors.push({ vu: vu.id, kind: 'abandoned', error: { message: `stopped with VU ${culprit || '?'}`, stack: '' } });
      // A lost iteration still ran: it counts, as one that failed.
      this.#recordIteration(vu, now);
      this.#finishIteration(vu, IterationStatus.failed);
    }
  }

  #rebuild(dead: Placement, oneVuPerCrossing: boolean): void {
    // What was queued for the dead realm (answers to its operations) means nothing to the new one.
    dead.queue.length = 0;
    dead.queued.length = 0;
    this.#dirty.delete(dead);
    const index = this.#placements.indexOf(dead);
    const place = this.#newPlacement(this.#newIsolate(), dead.vus);
    place.oneVuPerCrossing = oneVuPerCrossing || dead.oneVuPerCrossing;
    this.#placements[index] = place;
    dead.isolate.dispose();
    // The dead realm's sockets, requests and timers answer operations the new realm never started
    // (and whose numbers it will reuse): they end with it.
    for (const vu of dead.vus) {
      for (const timer of vu.ops.values()) clearTimeout(timer);
      vu.ops.clear();
      for (const protocol of this.#protocols) protocol.stopVu(vu.port);
      vu.place = place;
      vu.heapGrowth = 0;
      const result = place.realm.createVu(vu.id);
      if (result.error !== null) this.#errors.push({ vu: vu.id, kind: 'iteration', error: result.error });
    }
    this.#markDirty(place);
  }

  /** The VU as protocols see it: its realm is looked up on each use, since a rebuild moves it. */
  #port(id: number): VuPort {
    const vu = (): HostVu => this.#vus.get(id)!;
    return {
      id,
      deliver: (event) => this.#enqueue(vu().place, event, vu()),
      // Whole: a socket reads its url back from its tags; record() keys the series.
      tags: (group, own) => this.#sampleTags(vu().scenario, group, own),
      readStream: (op, offset, length) => {
        try {
          return vu().place.realm.readStream(op, offset, length);
        } catch (error) {
          // The isolate died or the read ran too long: the stream cannot go on; the crossing that
          // notices the dead isolate reports it.
          if (error instanceof CrossingError) return null;
          throw error;
        }
      },
    };
  }

  // -- Tags and metrics ----------------------------------------------------------------------

  /** Which tags key a series (options.systemTags, a name over a url); made on first use, as fields cannot read the setup. */
  #seriesTags: SeriesTags | undefined;

  #definition(name: string): MetricDefinition {
    return this.#registry.get(name)!;
  }

  /** A sample of a VU's host-side operation (a request, a socket). */
  #record(metric: string, value: number, tags: Tags): void {
    this.#aggregator.add(this.#definition(metric), value, this.#keyTags(tags));
  }

  /** The tags a sample's series is keyed by: the scenario's, the group, the script's own, less those systemTags leaves out. */
  #tags(scenario: number, group: string, own: Record<string, string> | null): Tags {
    const base = this.#baseTags(scenario, group);
    return own === null ? base.series : this.#keyTags({ ...base.sample, ...own });
  }

  /** Tags of a sample: the scenario's, the group, the script's own. Shared objects where possible. */
  #sampleTags(scenario: number, group: string, own: Record<string, string> | null): Tags {
    const base = this.#baseTags(scenario, group).sample;
    return own === null ? base : { ...base, ...own };
  }

  #baseTags(scenario: number, group: string): { readonly sample: Tags; readonly series: Tags } {
    const key = `${scenario}\u0000${group}`;
    let base = this.#tagCache.get(key);
    if (base === undefined) {
      const sample = Object.freeze({ ...this.#setup.scenarios[scenario]?.tags, group });
      base = { sample, series: this.#keyTags(sample) };
      this.#tagCache.set(key, base);
    }
    return base;
  }

  #keyTags(tags: Tags): Tags {
    this.#seriesTags ??= new SeriesTags(this.#setup.systemTags);
    return this.#seriesTags.of(tags);
  }


  // -- Reporting -----------------------------------------------------------------------------

  /**
   * Sends what the coordinator waits for (ended iterations and loops, results, errors, logs). Loop
   * iteration counts only feed the progress display: they ride along, or go out with the metrics.
   */
  #shipBatch(withCounts = false): void {
    const size = this.#ended.length + this.#logs.length + this.#errors.length + this.#defined.length + this.#results.length + this.#loopsEnded.length;
    if (size === 0 && !(withCounts && this.#loopIterations.size > 0)) return;
    // setup() and teardown() are short: their samples go out before their end is reported, so they
    // count in the results (as in k6) instead of waiting for a metrics interval that may never come.
    if (!this.#setup.recordIterations && this.#ended.length > 0 && !withCounts) this.#send({ type: 'metrics', batch: this.#aggregator.drain() });
    const loopIterations: number[] = [];
    for (const [key, count] of this.#loopIterations) loopIterations.push(Math.floor(key / 3), key % 3, count);
    this.#loopIterations.clear();
    this.#send({
      type: 'batch',
      ended: this.#ended,
      logs: this.#logs,
      errors: this.#errors,
      defined: this.#defined,
      results: this.#results,
      loopsEnded: this.#loopsEnded,
      loopIterations,
    });
    this.#results = [];
    this.#loopsEnded = [];
    this.#ended = [];
    this.#logs = [];
    this.#errors = [];
    this.#defined = [];
  }

  #shipMetrics(): void {
    if (this.#stopped) return;
    this.#countTraffic();
    this.#shipBatch(true);
    this.#send({ type: 'metrics', batch: this.#aggregator.drain() });
  }

  #countTraffic(): void {
    for (const protocol of this.#protocols) protocol.countTraffic();
  }

  #stop(): void {
    if (this.#stopped) return;
    for (const vu of this.#vus.values()) {
      if (vu.loop !== undefined) vu.loop.left = 0;
      if (vu.token !== 0) this.#abandon(vu);
    }
    // What the protocols hold for a VU (sockets, connections) lives until it stops: the end of the test.
    this.#countTraffic();
    for (const vu of this.#vus.values()) for (const protocol of this.#protocols) protocol.stopVu(vu.port);
    this.#shipBatch(true);
    this.#stopped = true;
    clearInterval(this.#metricsTimer);
    this.#send({ type: 'stopped', batch: this.#aggregator.drain() });
    for (const place of this.#placements) place.isolate.dispose();
    this.#placements.length = 0;
  }
}
