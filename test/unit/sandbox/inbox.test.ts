import { describe, expect, it } from 'vitest';
import { Inbox } from '../../../src/sandbox/inbox.js';
import { InboxBytes, takeInboxBytes, unpackBytes, unpackEvents, type SandboxEvent } from '../../../runtime/protocol.js';

/** What the realm gets: a structured copy of the staged batch, with the bytes put back from the shared inbox. */
function cross(inbox: Inbox, events: SandboxEvent[]): unknown[][] {
  const batch = inbox.stage(events);
  const copied = structuredClone(batch.events) as SandboxEvent[];
  if (batch.places !== undefined) unpackBytes(copied, structuredClone(batch.places), new Uint8Array(inbox.memory));
  return copied as unknown as unknown[][];
}

describe('the inbox that carries bytes into a realm', () => {
  it('crosses every Uint8Array at the top level of an event as an ArrayBuffer of exactly its bytes', () => {
    const pooled = Buffer.from([9, 9, 1, 2, 3, 9, 9]);
    const view = pooled.subarray(2, 5);
    const events: SandboxEvent[] = [
      ['ws', 1, 'message', 'text', false, 5],
      ['ws', 1, 'message', view, true, 6],
      ['ws', 2, 'message', Buffer.from([]), true, 7],
      ['two', new Uint8Array([4, 5]), Buffer.from('ab')],
    ];
    const crossed = cross(new Inbox(), events);
    expect(crossed[0]).toEqual(['ws', 1, 'message', 'text', false, 5]);
    expect(crossed[1]![3]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(crossed[1]![3] as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect((crossed[2]![3] as ArrayBuffer).byteLength).toBe(0);
    expect([...new Uint8Array(crossed[3]![1] as ArrayBuffer)]).toEqual([4, 5]);
    expect(new TextDecoder().decode(crossed[3]![2] as ArrayBuffer)).toBe('ab');
    // The host's events are left as they were: a queue that keeps them sees its own bytes.
    expect(events[1]![3]).toBe(view);
  });

  it('hands a batch without bytes over as it is', () => {
    const events: SandboxEvent[] = [['resolve', 3, { data: new Uint8Array([1]) }], ['iterate', 1, 2, 'default', 0, 's', 0]];
    const batch = new Inbox().stage(events);
    expect(batch.events).toBe(events);
    expect(batch.places).toBeUndefined();
  });

  it('copies what does not fit into an ArrayBuffer of its own, and starts over with each crossing', () => {
    const inbox = new Inbox(16);
    const batch = (): SandboxEvent[] => [
      ['b', Buffer.from([1, 2, 3, 4, 5, 6])],
      ['b', Buffer.from([7, 8, 9])],
      ['b', Buffer.from([10, 11, 12, 13, 14, 15, 16, 17, 18])],
      ['b', Buffer.from([19, 20])],
    ];
    const first = cross(inbox, batch());
    expect(first.map((event) => [...new Uint8Array(event[1] as ArrayBuffer)])).toEqual([[1, 2, 3, 4, 5, 6], [7, 8, 9], [10, 11, 12, 13, 14, 15, 16, 17, 18], [19, 20]]);
    const places = inbox.stage(batch()).places;
    // Each at the next multiple of 8: the first at 0, the second at 8; the third (8 + 3 → 16, 9 bytes)
    // and the fourth (at 16, 2 bytes) found no room in 16 bytes.
    expect(places).toEqual([0, 1, 0, 6, 1, 1, 8, 3]);
    const second = cross(inbox, [['b', Buffer.from([42, 43, 44, 45, 46, 47, 48, 49])]]);
    expect([...new Uint8Array(second[0]![1] as ArrayBuffer)]).toEqual([42, 43, 44, 45, 46, 47, 48, 49]);
  });

  it('puts bytes at aligned places, whatever their place in their own buffer, and they cross exact', () => {
    // ws hands over frames wherever they fell in a read: at odd offsets of a larger buffer.
    const read = Buffer.alloc(300_000);
    for (let i = 0; i < read.length; i++) read[i] = (i * 31 + (i >> 8)) & 0xff;
    const values = [read.subarray(3, 3203), read.subarray(4000, 4005), read.subarray(5001, 5001 + 140_000), read.subarray(8, 3208)];
    const inbox = new Inbox(1 << 20);
    const batch = inbox.stage(values.map((value, i): SandboxEvent => ['ws', i, 'message', value, true, 0]));
    const offsets = batch.places!.filter((_, i) => i % 4 === 2);
    expect(offsets.every((offset) => offset % 8 === 0)).toBe(true);
    const crossed = cross(inbox, values.map((value, i): SandboxEvent => ['ws', i, 'message', value, true, 0]));
    crossed.forEach((event, i) => expect(Buffer.from(event[3] as ArrayBuffer).equals(values[i]!)).toBe(true));
  });
});

/** What the realm gets from a packed batch: the events it unpacks, with the strings that came as arguments. */
function crossPacked(inbox: Inbox, events: SandboxEvent[]): { events: unknown[][]; strings: string[] } | undefined {
  const strings = inbox.pack(events);
  if (strings === undefined) return undefined;
  const unpacked = unpackEvents(new Uint8Array(inbox.memory), new Float64Array(inbox.memory), structuredClone(strings)) as unknown as unknown[][];
  // As the realm does for a handler that takes ArrayBuffers.
  for (const event of unpacked) takeInboxBytes(event);
  return { events: unpacked, strings };
}

describe('packed batches', () => {
  it('carry numbers, strings, booleans, null, undefined and bytes exactly', () => {
    const pooled = Buffer.from([9, 9, 1, 2, 3, 9, 9]);
    const long = 'é'.repeat(40) + '\u{1F3A4}';
    const events: SandboxEvent[] = [
      ['ws', 1, 7, 'binaryMessage', pooled.subarray(2, 5), true],
      ['resolve', 3, -0, NaN, -Infinity, Number.MAX_VALUE, 2 ** 53 + 2, 5e-324],
      ['ws', 2, 7, 'message', '', false, null, undefined],
      ['text', '\ud800 lone', long, long, new Uint8Array(0)],
      ['empty'] as unknown as SandboxEvent,
    ];
    const crossed = crossPacked(new Inbox(), events)!;
    expect(crossed.events.map((event) => event.map((value) => (value instanceof ArrayBuffer ? [...new Uint8Array(value)] : value)))).toEqual([
      ['ws', 1, 7, 'binaryMessage', [1, 2, 3], true],
      ['resolve', 3, -0, NaN, -Infinity, Number.MAX_VALUE, 2 ** 53 + 2, 5e-324],
      ['ws', 2, 7, 'message', '', false, null, undefined],
      ['text', '\ud800 lone', long, long, []],
      ['empty'],
    ]);
    expect(Object.is(crossed.events[1]![2], -0)).toBe(true);
    expect(crossed.events[2]).toHaveLength(8);
    // Short strings go once per batch, longer ones once per place.
    expect(crossed.strings).toEqual(['ws', 'binaryMessage', 'resolve', 'message', '', 'text', '\ud800 lone', long, long, 'empty']);
  });

  it('leave bytes in the inbox until they are taken, and each take is a copy of its own', () => {
    const inbox = new Inbox();
    const strings = inbox.pack([['ws', 1, 'binaryMessage', Buffer.from([5, 6, 7]), 'after']])!;
    const [event] = unpackEvents(new Uint8Array(inbox.memory), new Float64Array(inbox.memory), strings) as unknown as unknown[][];
    const bytes = event![3] as InboxBytes;
    expect(bytes).toBeInstanceOf(InboxBytes);
    expect(bytes.byteLength).toBe(3);
    const [first, second] = [bytes.take(), bytes.take()];
    expect(first).not.toBe(second);
    new Uint8Array(first).fill(0);
    expect([...new Uint8Array(second)]).toEqual([5, 6, 7]);
    expect(event![4]).toBe('after');
  });

  it('carry bytes at aligned places, exact wherever they lay in their own buffer', () => {
    const read = Buffer.alloc(200_000);
    for (let i = 0; i < read.length; i++) read[i] = (i * 31 + (i >> 8)) & 0xff;
    const values = [read.subarray(3, 3203), read.subarray(4000, 4005), read.subarray(5001, 5001 + 140_000), read.subarray(8, 3208)];
    const crossed = crossPacked(new Inbox(), values.map((value, i): SandboxEvent => ['ws', i, 'binaryMessage', value]))!;
    crossed.events.forEach((event, i) => expect(Buffer.from(event[3] as ArrayBuffer).equals(values[i]!)).toBe(true));
  });

  it('leave to the copy a batch holding an object, an ArrayBuffer or an array, or one that does not fit', () => {
    const inbox = new Inbox(512);
    expect(inbox.pack([['resolve', 1, { status: 200 }]])).toBeUndefined();
    expect(inbox.pack([['resolve', 1, new ArrayBuffer(2)]])).toBeUndefined();
    expect(inbox.pack([['iterate', 1, [1, 2]]] as unknown as SandboxEvent[])).toBeUndefined();
    expect(inbox.pack([['ws', 1, 'binaryMessage', Buffer.alloc(480)]])).toBeUndefined();
    expect(inbox.pack(Array.from({ length: 20 }, (_, i): SandboxEvent => ['resolve', i, null]))).toBeUndefined();
    // What fits packs, and a later batch starts over at the beginning.
    expect(crossPacked(inbox, [['ws', 1, 'binaryMessage', Buffer.alloc(200, 7)]])?.events[0]![3]).toEqual(new Uint8Array(200).fill(7).buffer);
    expect(crossPacked(inbox, [['resolve', 9, 'done']])?.events).toEqual([['resolve', 9, 'done']]);
  });
});
