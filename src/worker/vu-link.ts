/**
 * A VU as the protocols' host sides see it (`VuPort`): one object per VU with methods. Closures made
 * per VU (deliver, tags, and a getter of the VU's record) cost an idle fleet about 250 bytes a VU.
 */
import type { SandboxEvent } from '../../runtime/protocol.js';
import type { VuPort } from '../protocols/types.js';
import type { Tags } from '../types.js';
import type { CrossingQueue } from './crossing.js';
import type { SampleTags } from './sample-tags.js';
import type { HostVu } from './vus.js';

export class VuLink implements VuPort {
  readonly id: number;
  /**
   * The VU's record, set as soon as it exists. Read at each call: an isolate rebuild moves the VU to
   * another placement, and its scenario and tags change.
   */
  vu: HostVu | undefined;
  readonly #queue: CrossingQueue;
  readonly #tags: SampleTags;

  constructor(id: number, queue: CrossingQueue, tags: SampleTags) {
    this.id = id;
    this.#queue = queue;
    this.#tags = tags;
  }

  deliver(event: SandboxEvent): void {
    const vu = this.#record();
    this.#queue.enqueue(vu.place, event, vu);
  }

  /** Whole: a socket reads its url back from its tags; record() keys the series. */
  tags(group: string, own: Record<string, string> | null): Tags {
    const vu = this.#record();
    return this.#tags.sample(vu.scenario, group, own, vu.tags);
  }

  #record(): HostVu {
    if (this.vu === undefined) throw new Error(`VU ${this.id}: its port was used before its record existed`);
    return this.vu;
  }
}
