// The host side of wsk/ws in one worker (openWs), driven by the actions a realm would send, against a
// real server on 127.0.0.1.
import { Session } from 'node:inspector/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { SandboxEvent } from '../../../../runtime/protocol.js';
import { DEFAULT_NETWORK } from '../../../../src/options/network.js';
import { openWs } from '../../../../src/protocols/ws/host.js';
import type { SocketOpenOptions } from '../../../../src/protocols/ws/messages.js';
import { HostSocket } from '../../../../src/protocols/ws/socket.js';
import type { VuPort } from '../../../../src/protocols/types.js';

const OPEN: SocketOpenOptions = { headers: {}, subprotocols: [], compression: false, timeoutMs: 5_000, group: '', tags: {}, call: 'ws.open', perIteration: false };

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function echoServer(): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server = wss;
  wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

async function until(ready: () => boolean): Promise<void> {
  for (let waited = 0; !ready(); waited += 10) {
    if (waited > 5_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** How many HostSockets are alive (reachable after a full collection), asked of V8 through the inspector. */
async function liveHostSockets(): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    (globalThis as { hostSocketPrototype?: object }).hostSocketPrototype = HostSocket.prototype;
    const prototype = await session.post('Runtime.evaluate', { expression: 'globalThis.hostSocketPrototype' });
    const found = await session.post('Runtime.queryObjects', { prototypeObjectId: prototype.result.objectId! });
    const count = await session.post('Runtime.callFunctionOn', {
      objectId: found.objects.objectId!,
      functionDeclaration: 'function () { return this.length; }',
      returnByValue: true,
    });
    return count.result.value as number;
  } finally {
    delete (globalThis as { hostSocketPrototype?: object }).hostSocketPrototype;
    session.disconnect();
  }
}

describe('openWs', () => {
  it('lets go of a socket with uncounted traffic once it has closed, not at the next traffic count', async () => {
    const url = await echoServer();
    const host = openWs({ record: () => {}, network: () => DEFAULT_NETWORK, scriptCode: '' });
    const events: SandboxEvent[] = [];
    const vu: VuPort = { id: 1, deliver: (event) => events.push(event), tags: () => ({}) };
    const socketEvents = (what: string) => events.filter((event) => event[0] === 'ws' && event[2] === what);

    host.actions['wsOpen']!(['wsOpen', 1, 1, 7, url, OPEN], vu);
    await until(() => events.some((event) => event[0] === 'resolve' && event[1] === 1));
    // Traffic: the socket is now among those the next count visits.
    host.actions['wsSend']!(['wsSend', 1, 7, 'hello', 0, 0], vu);
    await until(() => socketEvents('message').length === 1);
    host.actions['wsClose']!(['wsClose', 1, 7, 1000, ''], vu);
    await until(() => socketEvents('close').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(await liveHostSockets()).toBe(0);
    host.countTraffic();
    host.close?.();
  });
});
