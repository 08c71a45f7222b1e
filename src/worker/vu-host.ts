/**
 * What a worker thread does: hosts VUs in sandbox realms, runs the iterations the coordinator asks
 * for, serves their host operations (timers), aggregates their metrics, and reports back in batches.
 * It decides nothing about scheduling. Independent of worker_threads so it can be driven directly,
 * and of the clock, timers and sandbox, which `WorkerEnvironment` hands in.
 *
 * The parts: creation.ts (VUs and their init code), placements.ts (isolates and realms), crossing.ts
 * (the events' queues and the crossings), routing.ts (the actions that come back), iterations.ts,
 * sleeps.ts (timers), recovery.ts (stopped crossings), report.ts (the messages out), metrics.ts and
 * sample-tags.ts, files.ts (`open()`).
 */
import { RunMemory } from '../../runtime/run-memory.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { ProtocolRegistry } from '../protocols/registry.js';
import type { NetworkOptions } from '../options/network.js';
import type { Tags } from '../types.js';
import { VuCreation } from './creation.js';
import { Crossing, CrossingQueue } from './crossing.js';
import { REAL_ENVIRONMENT, type WorkerEnvironment } from './environment.js';
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
import { VuLink } from './vu-link.js';
import type { HostVu } from './vus.js';

export class VuHost {
  readonly #vus = new Map<number, HostVu>();
  readonly #tags: SampleTags;
  readonly #protocols: ProtocolHosts;
  readonly #report: Report;
  readonly #queue: CrossingQueue;
  readonly #placements: Placements;
  readonly #iterations: Iterations;
  readonly #creation: VuCreation;
  readonly #crossing: Crossing;
  #network: NetworkOptions;

  constructor(setup: WorkerSetup, send: (message: FromWorker) => void, protocols: ProtocolRegistry = PROTOCOLS, environment: WorkerEnvironment = REAL_ENVIRONMENT) {
    const { timers } = environment;
    this.#network = setup.network;
    this.#tags = new SampleTags(setup.scenarios, setup.systemTags);
    const metrics = new WorkerMetrics(protocols.metrics, this.#tags);
    const hosts = new ProtocolHosts(protocols, {
      record: (metric: string, value: number, tags: Tags) => metrics.record(metric, value, tags),
      network: () => this.#network,
      scriptCode: setup.code.user,
    });
    const report = new Report({ send, metrics, protocols: hosts, timers, metricsIntervalMs: setup.metricsIntervalMs, recordIterations: setup.recordIterations });
    // The queue's flushes are the crossing's, which is made last: it needs everything the actions reach.
    const queue = new CrossingQueue(timers.onNextTurn(() => this.#crossing.flush()));
    const sleeps = new Sleeps(timers, queue);
    const files = new FileCache(setup.scriptDir);
    const openFile = (file: string, binary: boolean): string | ArrayBuffer => files.open(file, binary);
    const placements = new Placements({ setup, sandbox: environment, openFile, queue, sleeps, protocols: hosts, reinit: (vu, result) => this.#creation.reinit(vu, result) });
    const vus = this.#vus;
    const run = setup.counters === undefined ? undefined : new RunMemory(setup.counters);
    const iterations = new Iterations({ vus, scenarios: setup.scenarios, clock: environment, queue, sleeps, report, metrics, protocols: hosts, recordIterations: setup.recordIterations, run });
    const flush = (): void => this.#crossing.flush();
    const link = (id: number): VuLink => new VuLink(id, queue, this.#tags);
    const creation = new VuCreation({ vus, placements, queue, sleeps, timers, report, send, flush, link });
    const router = new ActionRouter({ vus, protocols: hosts, sleeps, iterations, creation, metrics, report });
    const recovery = new Recovery({ memoryLimitMb: setup.limits.memoryLimitMb, clock: environment, placements, iterations, report });
    this.#protocols = hosts;
    this.#report = report;
    this.#queue = queue;
    this.#placements = placements;
    this.#iterations = iterations;
    this.#creation = creation;
    this.#crossing = new Crossing(queue, router, recovery, report, environment);
    if (setup.testInfo !== undefined) placements.testInfo(setup.testInfo);
  }

  receive(message: ToWorker): void {
    switch (message.type) {
      case 'createVus':
        this.#creation.create(message.ids);
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

  #stop(): void {
    if (this.#report.stopped) return;
    for (const vu of this.#vus.values()) this.#iterations.stop(vu);
    // What the protocols hold for a VU (sockets, connections) lives until it stops: the end of the test.
    this.#protocols.countTraffic();
    for (const vu of this.#vus.values()) this.#protocols.stopVu(vu.port);
    this.#protocols.close();
    this.#report.stop();
    this.#queue.close();
    this.#placements.dispose();
  }
}
