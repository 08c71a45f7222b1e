/**
 * The host side of a realm's inbox (runtime/protocol.ts, BytePlaces): memory an isolate shares with
 * its realms, where the bytes of a batch's events wait while the batch crosses. Each crossing starts
 * at its beginning again, since the realm copies the bytes out before it delivers anything.
 */
import type { BytePlaces, SandboxEvent } from '../../runtime/protocol.js';
import { toArrayBuffer } from '../net/bytes.js';

/**
 * Room for the bytes of one crossing. A crossing carries at most FLUSH_CHUNK events, so this holds
 * 512 frames of 2 KB; bytes that find no room left cross as an ArrayBuffer copy, as everything did
 * before the inbox. The pages a run never writes are never touched, so an idle fleet does not pay.
 */
export const INBOX_BYTES = 1 << 20;

export interface StagedBatch {
  /** The batch as it crosses: each event that held bytes is a copy with null in their places. */
  readonly events: readonly SandboxEvent[];
  /** Where the realm puts the bytes back; undefined when the batch held none. */
  readonly places: BytePlaces | undefined;
}

export class Inbox {
  readonly memory: SharedArrayBuffer;
  readonly #bytes: Uint8Array;

  constructor(size = INBOX_BYTES) {
    this.memory = new SharedArrayBuffer(size);
    this.#bytes = new Uint8Array(this.memory);
  }

  /** Copies the bytes at the top level of `events` into the inbox, for one crossing. */
  stage(events: readonly SandboxEvent[]): StagedBatch {
    let staged: SandboxEvent[] | undefined;
    let places: BytePlaces | undefined;
    let used = 0;
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!;
      let copy: unknown[] | undefined;
      for (let field = 1; field < event.length; field++) {
        const value: unknown = event[field];
        if (!(value instanceof Uint8Array)) continue;
        copy ??= [...event];
        if (used + value.byteLength > this.#bytes.byteLength) {
          copy[field] = toArrayBuffer(value);
          continue;
        }
        this.#bytes.set(value, used);
        (places ??= []).push(index, field, used, value.byteLength);
        copy[field] = null;
        used += value.byteLength;
      }
      if (copy === undefined) continue;
      staged ??= events.slice();
      staged[index] = copy as unknown as SandboxEvent;
    }
    return { events: staged ?? events, places };
  }
}
