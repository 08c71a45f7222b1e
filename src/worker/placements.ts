/**
 * Where a worker's VUs live: placements of an isolate and a realm, filled up to --vus-per-isolate
 * (compartment isolation: many VUs in one realm; context isolation: a realm each, many realms to an
 * isolate), and rebuilt in a new isolate when one dies of memory.
 */
import type { WorkerEnvironment, HostIsolate, OpenFile } from './environment.js';
import type { CrossingQueue } from './crossing.js';
import type { WorkerSetup } from './messages.js';
import type { ProtocolHosts } from './protocol-hosts.js';
import type { Sleeps } from './sleeps.js';
import type { HostVu, Placement } from './vus.js';
import type { VuInitResult } from '../../runtime/protocol.js';

export interface PlacementsOptions {
  readonly setup: Pick<WorkerSetup, 'code' | 'limits' | 'isolation' | 'vusPerIsolate' | 'env' | 'scenarioEnv' | 'counters'>;
  /** Makes the isolates. */
  readonly sandbox: Pick<WorkerEnvironment, 'createIsolate'>;
  readonly openFile: OpenFile;
  readonly queue: CrossingQueue;
  readonly sleeps: Sleeps;
  readonly protocols: ProtocolHosts;
  /** What a VU's init code did when it ran again in a new isolate (VuCreation.reinit). */
  readonly reinit: (vu: HostVu, result: VuInitResult) => void;
}

export class Placements {
  readonly #setup: PlacementsOptions['setup'];
  readonly #sandbox: Pick<WorkerEnvironment, 'createIsolate'>;
  readonly #openFile: OpenFile;
  readonly #queue: CrossingQueue;
  readonly #sleeps: Sleeps;
  readonly #protocols: ProtocolHosts;
  readonly #reinit: (vu: HostVu, result: VuInitResult) => void;
  readonly #list: Placement[] = [];
  /** setup()'s result, once known: every new realm gets it. */
  #setupJson = '';
  /** What wsk/execution tells of the test, once known: every new realm gets it. */
  #testInfoJson = '';

  constructor(options: PlacementsOptions) {
    this.#setup = options.setup;
    this.#sandbox = options.sandbox;
    this.#openFile = options.openFile;
    this.#queue = options.queue;
    this.#sleeps = options.sleeps;
    this.#protocols = options.protocols;
    this.#reinit = options.reinit;
  }

  /** The placement the next VU goes to: the last one while it has room, else a new one. */
  withRoom(): Placement {
    const { isolation, vusPerIsolate } = this.#setup;
    const last = this.#list.at(-1);
    if (isolation === 'compartment' && last !== undefined && last.vus.length < vusPerIsolate) return last;
    const isolate =
      isolation === 'context' && last !== undefined && last.isolate.realmCount < vusPerIsolate
        ? last.isolate
        : this.#newIsolate();
    const place = this.#newPlacement(isolate, []);
    this.#list.push(place);
    return place;
  }

  /** setup()'s result, for every realm there is and will be. */
  setupData(json: string): void {
    for (const place of this.#list) this.#queue.enqueue(place, ['setupData', json], null);
    this.#setupJson = json;
  }

  /** What wsk/execution tells of the test, for every realm there is and will be. */
  testInfo(json: string): void {
    for (const place of this.#list) this.#queue.enqueue(place, ['testInfo', json], null);
    this.#testInfoJson = json;
  }

  /**
   * The isolate of `dead` died: its VUs move to a new isolate, where their init code runs again.
   * `oneVuPerCrossing`: the new placement's crossings carry one VU each (so does it if the dead one did).
   */
  rebuild(dead: Placement, oneVuPerCrossing: boolean): void {
    // What was queued for the dead realm (answers to its operations) means nothing to the new one.
    this.#queue.drop(dead);
    const index = this.#list.indexOf(dead);
    const place = this.#newPlacement(this.#newIsolate(), dead.vus);
    place.oneVuPerCrossing = oneVuPerCrossing || dead.oneVuPerCrossing;
    this.#list[index] = place;
    dead.isolate.dispose();
    // The dead realm's sockets, requests and timers answer operations the new realm never started
    // (and whose numbers it will reuse): they end with it.
    for (const vu of dead.vus) {
      this.#sleeps.drop(vu);
      this.#protocols.stopVu(vu.port);
      vu.place = place;
      vu.heapGrowth = 0;
      // Its init runs again in a new realm, whose VU has set no tags yet.
      vu.tags = null;
      vu.initializing = false;
      // Its exports were described when it was first made.
      this.#reinit(vu, place.realm.createVu(vu.id, false));
    }
    this.#queue.markDirty(place);
  }

  /** The end of the test: every isolate goes. */
  dispose(): void {
    for (const place of this.#list) place.isolate.dispose();
    this.#list.length = 0;
  }

  #newPlacement(isolate: HostIsolate, vus: HostVu[]): Placement {
    const realm = isolate.createRealm({
      lockdown: this.#setup.isolation === 'compartment',
      env: this.#setup.env,
      scenarioEnv: this.#setup.scenarioEnv,
      imports: this.#setup.code.imports ?? [],
      timerGlobals: this.#setup.code.timerGlobals ?? true,
    });
    const place: Placement = { isolate, realm, vus, queue: [], queued: [], oneVuPerCrossing: false, initializing: 0 };
    if (this.#testInfoJson !== '') this.#queue.enqueue(place, ['testInfo', this.#testInfoJson], null);
    if (this.#setupJson !== '') this.#queue.enqueue(place, ['setupData', this.#setupJson], null);
    return place;
  }

  #newIsolate(): HostIsolate {
    return this.#sandbox.createIsolate(this.#setup.code, this.#setup.limits, this.#openFile, this.#setup.counters);
  }
}
