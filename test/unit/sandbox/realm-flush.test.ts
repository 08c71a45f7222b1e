// How the host side of a realm crosses: the isolate's entry points are stood in for by functions that
// record their calls, and the cell the realm shares with the host is set by hand, as the realm sets it.
import { describe, expect, it } from 'vitest';
import { RealmCell, unpackEvents, type SandboxEvent } from '../../../runtime/protocol.js';
import { Inbox } from '../../../src/sandbox/inbox.js';
import { Realm, type SandboxIsolate } from '../../../src/sandbox/isolate.js';

function realmWith(dispatch: (events: SandboxEvent[], cell: Int32Array) => void) {
  const cell = new Int32Array(new SharedArrayBuffer(RealmCell.slots * Int32Array.BYTES_PER_ELEMENT));
  const calls: string[] = [];
  const owner = { inbox: new Inbox(1024), disposed: false, forget: () => {} };
  const entry = (name: string, run: (args: unknown[]) => unknown) => ({
    applySync: (_this: unknown, args: unknown[]) => {
      calls.push(name);
      return run(args);
    },
    release: () => {},
  });
  const entries: Record<string, unknown> = {
    createVu: entry('createVu', () => ({})),
    dispatch: entry('dispatch', (args) => dispatch(args[0] as SandboxEvent[], cell)),
    dispatchPacked: entry('dispatch', () => dispatch(unpackEvents(new Uint8Array(owner.inbox.memory), new Float64Array(owner.inbox.memory), []), cell)),
    drain: entry('drain', () => {
      cell[RealmCell.actionsWaiting] = 0;
      return [['log', 1, 'info', 'drained']];
    }),
    salvage: entry('salvage', () => []),
  };
  const router = { getSync: (name: string) => entries[name], release: () => {} };
  const realm = new Realm(owner as unknown as SandboxIsolate, {} as never, router as never, 1000, cell);
  return { realm, cell, calls };
}

describe('Realm.flush', () => {
  it('makes no drain call when the events queued no action', () => {
    const { realm, calls } = realmWith(() => {});
    expect(realm.flush([['resolve', 1, null]], 0)).toEqual([]);
    expect(calls).toEqual(['dispatch']);
  });

  it('drains what the events queued, and what init code left when nothing is to be delivered', () => {
    const { realm, cell, calls } = realmWith((_events, shared) => {
      shared[RealmCell.actionsWaiting] = 1;
    });
    expect(realm.flush([['resolve', 1, null]], 0)).toEqual([['log', 1, 'info', 'drained']]);
    expect(calls).toEqual(['dispatch', 'drain']);
    calls.length = 0;
    expect(realm.flush([], 0)).toEqual([]);
    expect(calls).toEqual([]);
    cell[RealmCell.actionsWaiting] = 1;
    expect(realm.flush([], 0)).toEqual([['log', 1, 'info', 'drained']]);
    expect(calls).toEqual(['drain']);
  });
});
