/**
 * The host side of a realm's inbox (runtime/protocol.ts, BytePlaces): memory an isolate shares with
 * its realms, where the bytes of a batch's events wait while the batch crosses, or the whole batch
 * when it is packed. Each crossing starts at its beginning again, since the realm is done with what
 * the last one left: it copies staged bytes out before it delivers anything, and unpacks a packed
 * batch before delivering and takes its bytes while delivering.
 */
import { Packed, type BytePlaces, type SandboxEvent } from '../../runtime/protocol.js';
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

/**
 * Bytes start at multiples of this in the inbox. V8 copies to or from shared memory a word at a time
 * only where source and target are aligned alike, and a byte at a time elsewhere: 2.2 µs for 3,200
 * bytes against 0.4. Aligned places let the realm copy each value out by words (unpackBytes).
 */
const ALIGN = 8;
/** The plain buffer that bytes at an unaligned place of their own buffer go through (see #put). */
const SCRATCH_BYTES = 64 * 1024;
/** Strings a packed batch passes as arguments at most; a batch with more crosses as a copy. */
const MAX_PACKED_STRINGS = 1024;
/** Strings up to this length pass once per batch however often they occur (event kinds, names). */
const SHARED_STRING_LENGTH = 32;

export class Inbox {
  readonly memory: SharedArrayBuffer;
  readonly #bytes: Uint8Array;
  #scratch: Uint8Array | undefined;

  readonly #slots: Float64Array;
  /** The short strings of the batch being packed, by their index among its strings. */
  readonly #shared = new Map<string, number>();

  constructor(size = INBOX_BYTES) {
    this.memory = new SharedArrayBuffer(size);
    this.#bytes = new Uint8Array(this.memory);
    this.#slots = new Float64Array(this.memory, 0, size >> 3);
  }

  /**
   * Writes `events` into the inbox packed (Packed in runtime/protocol.ts) and returns the strings
   * that go beside them; undefined when a value cannot be packed (an object, an ArrayBuffer) or the
   * batch does not fit, and the batch must cross as a copy (`stage`).
   */
  pack(events: readonly SandboxEvent[]): string[] | undefined {
    const slots = this.#slots;
    const strings: string[] = [];
    const shared = this.#shared;
    shared.clear();
    let at = 0;
    slots[at++] = events.length;
    for (const event of events) {
      // Each value takes two slots at most, but for bytes, which are measured as they come.
      if (at + 1 + 2 * event.length > slots.length) return undefined;
      slots[at++] = event.length;
      for (const value of event as readonly unknown[]) {
        if (typeof value === 'number') {
          slots[at++] = (value | 0) === value && (value !== 0 || 1 / value > 0) ? Packed.int : Packed.number;
          slots[at++] = value;
        } else if (typeof value === 'string') {
          let index = value.length <= SHARED_STRING_LENGTH ? shared.get(value) : undefined;
          if (index === undefined) {
            if (strings.length === MAX_PACKED_STRINGS) return undefined;
            index = strings.push(value) - 1;
            if (value.length <= SHARED_STRING_LENGTH) shared.set(value, index);
          }
          slots[at++] = Packed.string;
          slots[at++] = index;
        } else if (value instanceof Uint8Array) {
          const end = at + 2 + Math.ceil(value.byteLength / ALIGN);
          if (end > slots.length) return undefined;
          slots[at++] = Packed.bytes;
          slots[at++] = value.byteLength;
          this.#put(value, at * ALIGN);
          at = end;
        } else if (value === true || value === false || value === null || value === undefined) {
          slots[at++] = value === true ? Packed.true : value === false ? Packed.false : value === null ? Packed.null : Packed.undefined;
        } else return undefined;
      }
    }
    return strings;
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
        const at = (used + ALIGN - 1) & -ALIGN;
        if (at + value.byteLength > this.#bytes.byteLength) {
          copy[field] = toArrayBuffer(value);
          continue;
        }
        this.#put(value, at);
        (places ??= []).push(index, field, at, value.byteLength);
        copy[field] = null;
        used = at + value.byteLength;
      }
      if (copy === undefined) continue;
      staged ??= events.slice();
      staged[index] = copy as unknown as SandboxEvent;
    }
    return { events: staged ?? events, places };
  }

  /**
   * Copies `value` to `at`, an aligned place. Bytes at an unaligned place of their own buffer (a
   * frame ws cut out of a read lands wherever it fell) first go to a plain buffer, where V8 copies
   * at any alignment with memmove, then from its start into the inbox by words.
   */
  #put(value: Uint8Array, at: number): void {
    if ((value.byteOffset & (ALIGN - 1)) === 0) {
      this.#bytes.set(value, at);
      return;
    }
    const scratch = (this.#scratch ??= new Uint8Array(SCRATCH_BYTES));
    for (let done = 0; done < value.byteLength; done += SCRATCH_BYTES) {
      const piece = value.subarray(done, done + SCRATCH_BYTES);
      scratch.set(piece);
      this.#bytes.set(piece.byteLength === SCRATCH_BYTES ? scratch : scratch.subarray(0, piece.byteLength), at + done);
    }
  }
}
