/**
 * What a worker thread does: hosts VUs in sandbox realms, runs the iterations the coordinator asks
 * for, serves their host operations (timers), aggregates their metrics, and reports back in batches.
 * It decides nothing about scheduling. Independent of worker_threads so it can be driven directly,
 * and of the clock, timers and sandbox, which `WorkerEnvironment` hands in.
 *
 * The parts: placements.ts (isolates and realms), crossing.ts (the events' queues and the crossings),
 * routing.ts (the actions that come back), iterations.ts, sleeps.ts (timers), recovery.ts (stopped
 * crossings), report.ts (the messages out), metrics.ts and sample-tags.ts, files.ts (`open()`).
 */
import type { VuInitResult } from '../../runtime/protocol.js';
import { RunMemory } from '../../runtime/run-memory.js';
import { CrossingError } from '../sandbox/isolate.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolRegistry } from '../protocols/registry.js';
import type { VuPort } from '../protocols/types.js';
import type { NetworkOptions } from '../options/network.js';
import type { Tags } from '../types.js';
import { Crossing, CrossingQueue } from './crossing.js';
import { REAL_ENVIRONMENT, type HostTimers, type WorkerEnvironment } from './environment.js';
import { FileCache } from './files.js';
import { Iterations } from './iterations.js';
import type { FromWorker, ToWorker, WorkerSetup } from './messages.js';
import { WorkerMetrics } from './metrics.js';
import { Placements } from './placements.js';
import { ProtocolHosts } from './protocol-hosts.js';
import { Recovery } from './recovery.js';
import { Report } from './report.js';
import { ActionRouter } from './routing.js';
import { SampleTags } from './sample-tags.js';
import { Sleeps } from './sleeps.js';
import type { HostVu } from './vus.js';

/** VUs created per event-loop turn, so a large fleet does not stall timers and messages. */
const CREATE_CHUNK = 250;

export class VuHost {
  readonly #send: (message: FromWorker) => void;
  readonly #timers: HostTimers;
  readonly #vus = new Map<number, HostVu>();
  readonly #tags: SampleTags;
  readonly #protocols: ProtocolHosts;
  readonly #report: Report;
  readonly #queue: CrossingQueue;
  readonly #placements: Placements;
  readonly #iterations: Iterations;
  readonly #crossing: Crossing;
  #network: NetworkOptions;

  constructor(setup: WorkerSetup, send: (message: FromWorker) => void, protocols: ProtocolRegistry = PROTOCOLS, environment: WorkerEnvironment = REAL_ENVIRONMENT) {
    const { timers } = environment;
    this.#send = send;
    this.#timers = timers;
    this.#network = setup.network;
    this.#tags = new SampleTags(setup.scenarios, setup.systemTags);
    const metrics = new WorkerMetrics(protocols.metrics, this.#tags);
    const hosts = new ProtocolHosts(protocols, {
      record: (metric: string, value: number, tags: Tags) => metrics.record(metric, value, tags),
      network: () => this.#network,
    });
    const report = new Report({ send, metrics, protocols: hosts, timers, metricsIntervalMs: setup.metricsIntervalMs, recordIterations: setup.recordIterations });
    // The queue's flushes are the crossing's, which is made last: it needs everything the actions reach.
    const queue = new CrossingQueue(timers.onNextTurn(() => this.#crossing.flush()));
    const sleeps = new Sleeps(timers, queue);
    const files = new FileCache(setup.scriptDir);
    const openFile = (file: string, binary: boolean): string | ArrayBuffer => files.open(file, binary);
    const placements = new Placements({ setup, sandbox: environment, openFile, queue, sleeps, protocols: hosts, report });
    const vus = this.#vus;
    const run = setup.counters === undefined ? undefined : new RunMemory(setup.counters);
    const iterations = new Iterations({ vus, scenarios: setup.scenarios, clock: environment, queue, sleeps, report, metrics, protocols: hosts, recordIterations: setup.recordIterations, run });
    const router = new ActionRouter({ vus, protocols: hosts, sleeps, iterations, metrics, report });
    const recovery = new Recovery({ memoryLimitMb: setup.limits.memoryLimitMb, clock: environment, placements, iterations, report });
    this.#protocols = hosts;
    this.#report = report;
    this.#queue = queue;
    this.#placements = placements;
    this.#iterations = iterations;
    this.#crossing = new Crossing(queue, router, recovery, report);
    if (setup.testInfo !== undefined) placements.testInfo(setup.testInfo);
  }

  receive(message: ToWorker): void {
    switch (message.type) {
      case 'createVus':
        this.#createVus(message.ids);
        break;
      case 'setupData':
        this.#placements.setupData(message.json);
        break;
      case 'run':
        for (let i = 0; i + 3 < message.items.length; i += 4) {
          this.#iterations.start(message.items[i]!, message.items[i + 1]!, message.items[i + 2]!, message.items[i + 3]!);
        }
        break;
      case 'loop':
        for (let i = 0; i + 5 < message.items.length; i += 6) {
          const [id, token, scenario, first, max, until] = message.items.slice(i, i + 6) as [number, number, number, number, number, number];
          this.#iterations.startLoop(id, token, scenario, first, max, until);
        }
        break;
      case 'interrupt':
        for (let i = 0; i + 1 < message.items.length; i += 2) this.#iterations.interrupt(message.items[i]!, message.items[i + 1]!);
        break;
      case 'network':
        this.#network = message.options;
        break;
      case 'testInfo':
        this.#placements.testInfo(message.json);
        break;
      case 'stop':
        this.#stop();
        break;
      default: {
        const unknown: never = message;
        throw new Error(`unexpected message to a worker: ${JSON.stringify(unknown)}`);
      }
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
          this.#crossing.flush();
          this.#send({ type: 'vusCreated', count: next, error: { vu: id, error: result.error, aborted: result.aborted }, exports });
          return;
        }
        exports ??= { functions: result.functions, options: result.options };
      }
      this.#crossing.flush();
      if (next < ids.length) this.#timers.setImmediate(step);
      else this.#send({ type: 'vusCreated', count: ids.length, error: null, exports });
    };
    step();
  }

  #createVu(id: number): VuInitResult {
    const place = this.#placements.withRoom();
    const result = place.realm.createVu(id);
    if (result.error !== null) return result;
    const vu: HostVu = { id, place, token: 0, scenario: 0, tags: null, startedAt: 0, ops: new Map(), loop: undefined, port: this.#port(id, () => vu), heapGrowth: 0 };
    place.vus.push(vu);
    this.#vus.set(id, vu);
    this.#queue.markDirty(place);
    return result;
  }

  /**
   * The VU as protocols see it. Its placement is read on each use, since a rebuild moves the VU;
   * `vu` is the VU's own record, not a lookup: every delivered event passes through here.
   */
  #port(id: number, vu: () => HostVu): VuPort {
    return {
      id,
      deliver: (event) => this.#queue.enqueue(vu().place, event, vu()),
      // Whole: a socket reads its url back from its tags; record() keys the series.
      tags: (group, own) => this.#tags.sample(vu().scenario, group, own, vu().tags),
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

  #stop(): void {
    if (this.#report.stopped) return;
    for (const vu of this.#vus.values()) this.#iterations.stop(vu);
    // What the protocols hold for a VU (sockets, connections) lives until it stops: the end of the test.
    this.#protocols.countTraffic();
    for (const vu of this.#vus.values()) this.#protocols.stopVu(vu.port);
    this.#report.stop();
    this.#placements.dispose();
  }
}
