/**
 * HostSocket driven directly: a recording owner stands in for the worker (it collects what the
 * socket delivers and records; stream bytes are held as the sandbox's holdBytes would), and real `ws`
 * servers on 127.0.0.1 port 0 stand in for the targets. Each test closes what it started.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';
import { HostSocket, type SocketCommand, type SocketOwner } from '../../../../src/protocols/ws/socket.js';
import { Metric } from '../../../../src/metrics/builtin.js';
import { DEFAULT_NETWORK } from '../../../../src/options/network.js';
import type { Tags } from '../../../../src/types.js';
import type { SandboxEvent } from '../../../../runtime/protocol.js';
import type { SocketEvent, SocketEventKind, SocketOpenOptions } from '../../../../src/protocols/ws/messages.js';
import { WsMetric } from '../../../../src/protocols/ws/metrics.js';
import { heldBytes, holdBytes } from '../../../../src/net/held-bytes.js';

const VU = 1;
const OPEN_OP = 1;
const SOCKET = 3;
const OPTIONS: SocketOpenOptions = { headers: {}, subprotocols: [], compression: false, timeoutMs: 5_000, group: '', tags: {}, call: 'ws.open', perIteration: false };

/** The owner of the socket under test: what it was handed, and when. */
class RecordingOwner implements SocketOwner {
  readonly events: SandboxEvent[] = [];
  /** When each of `events` was delivered (host clock). */
  readonly times: number[] = [];
  readonly samples: { metric: string; value: number; tags: Tags; at: number }[] = [];
  forgotten = 0;
  /** Times the socket said it has traffic to count. */
  activations = 0;

  deliver(event: SandboxEvent): void {
    this.events.push(event);
    this.times.push(performance.now());
  }

  record(metric: string, value: number, tags: Tags): void {
    this.samples.push({ metric, value, tags, at: performance.now() });
  }

  tags(group: string, own: Record<string, string> | null): Tags {
    return { scenario: 'default', group, ...own };
  }

  forget(): void {
    this.forgotten++;
  }

  active(): void {
    this.activations++;
  }

  of(metric: string): { value: number; tags: Tags; at: number }[] {
    return this.samples.filter((s) => s.metric === metric);
  }

  socketEvents(what: SocketEventKind): SocketEvent[] {
    return this.events.filter((e): e is SocketEvent => e[0] === 'ws' && e[2] === what);
  }

  /** The events that settled `op` (a resolve or a reject); one, when all is well. */
  settlements(op: number): SandboxEvent[] {
    return this.events.filter((e) => (e[0] === 'resolve' || e[0] === 'reject') && e[1] === op);
  }

  settledAt(op: number): number {
    const index = this.events.findIndex((e) => (e[0] === 'resolve' || e[0] === 'reject') && e[1] === op);
    return this.times[index] ?? NaN;
  }
}

/** One connection as the server saw it. */
interface Connection {
  readonly ws: WebSocket;
  readonly net: Socket;
  readonly request: IncomingMessage;
  readonly received: { data: Buffer; binary: boolean; at: number }[];
  closed: { code: number; reason: string } | undefined;
}

const sockets: HostSocket[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

/** A WebSocket server on 127.0.0.1 that records what each connection sends; `serve` drives each connection. */
async function wsTarget(serve: (connection: Connection) => void = () => {}, options: ServerOptions = {}): Promise<{ url: string; connections: Connection[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, ...options });
  const connections: Connection[] = [];
  server.on('connection', (ws, request) => {
    const connection: Connection = { ws, net: request.socket as Socket, request, received: [], closed: undefined };
    ws.on('message', (data, binary) => connection.received.push({ data: data as Buffer, binary, at: performance.now() }));
    ws.on('close', (code, reason) => (connection.closed = { code, reason: reason.toString('utf8') }));
    ws.on('error', () => {});
    connections.push(connection);
    serve(connection);
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, connections };
}

/** A TCP server that accepts connections and never says a word; its URL. */
async function silentTarget(): Promise<string> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const socket of accepted) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A TCP server that answers an upgrade one header byte every 40 ms for up to 4 s, never finishing it; its URL. */
async function tricklingTarget(): Promise<string> {
  const timers = new Set<NodeJS.Timeout>();
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    socket.write('HTTP/1.1 101 Switching Protocols\r\nX-Slow: ');
    let left = 100;
    const timer = setInterval(() => {
      if (--left === 0 || socket.destroyed) {
        clearInterval(timer);
        timers.delete(timer);
        return;
      }
      socket.write('a');
    }, 40);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of accepted) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function connect(url: string, options: Partial<SocketOpenOptions> = {}): { socket: HostSocket; owner: RecordingOwner } {
  const owner = new RecordingOwner();
  const socket = new HostSocket(owner, OPEN_OP, SOCKET, url, { ...OPTIONS, ...options }, DEFAULT_NETWORK);
  sockets.push(socket);
  return { socket, owner };
}

/** A socket whose open() has resolved, and the server's side of it. */
async function opened(target: { url: string; connections: Connection[] }, options: Partial<SocketOpenOptions> = {}) {
  const { socket, owner } = connect(target.url, options);
  await until(() => owner.settlements(OPEN_OP).length > 0 && target.connections.length > 0);
  expect(owner.settlements(OPEN_OP)[0]?.[0]).toBe('resolve');
  return { socket, owner, server: target.connections[0]! };
}

/** A socket whose server ends the session, the way `end` does, on the first message it gets; once the socket saw the close. */
async function endedByServer(end: (server: Connection) => void): Promise<{ socket: HostSocket; owner: RecordingOwner; url: string }> {
  const target = await wsTarget((connection) => connection.ws.once('message', () => end(connection)));
  const { socket, owner } = await opened(target);
  socket.act(send('the end'));
  await until(() => owner.socketEvents('close').length > 0);
  return { socket, owner, url: target.url };
}

/** Waits until `ready()` holds: at most `ms`, which a busy machine needs only a fraction of. */
async function until(ready: () => boolean, ms = 5_000): Promise<void> {
  await expect.poll(ready, { timeout: ms, interval: 5 }).toBe(true);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const send = (data: string | ArrayBuffer, request = 0, timeoutMs = 0): SocketCommand => ['wsSend', VU, SOCKET, data, request, timeoutMs];
const requestEnd = (request: number, firstAt: number, lastAt: number, failed: boolean, group = '', tags: Record<string, string> | null = null): SocketCommand => [
  'wsReqEnd',
  VU,
  SOCKET,
  request,
  firstAt,
  lastAt,
  failed,
  group,
  tags,
];
const stream = (op: number, held: number, frameBytes: number, intervalMs: number, group = '', tags: Record<string, string> | null = null): SocketCommand => [
  'wsStream',
  VU,
  op,
  SOCKET,
  held,
  frameBytes,
  intervalMs,
  group,
  tags,
];

/** The tags of the socket's own samples, as the recording owner makes them. */
const socketTags = (url: string, group = ''): Tags => ({ scenario: 'default', group, url, name: url });

/** Bytes that differ from one position to the next, so a frame out of order or cut short shows. */
function pattern(length: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >> 8)) % 251;
  return bytes.buffer;
}

describe('HostSocket: opening', () => {
  it('a socket that opens resolves open() with its protocol and headers, and records ws_connecting, a connection that did not fail and a session', async () => {
    const target = await wsTarget(() => {}, { handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    const started = performance.now();
    const { owner, server } = await opened(target, { subprotocols: ['chat'], headers: { 'x-token': 'abc' }, group: '::login', tags: { kind: 'control' } });
    const tags = { ...socketTags(target.url, '::login'), kind: 'control' };

    expect(owner.settlements(OPEN_OP)).toEqual([['resolve', OPEN_OP, { protocol: 'chat', headers: expect.objectContaining({ upgrade: 'websocket', 'sec-websocket-protocol': 'chat' }) }]]);
    expect(server.request.headers['x-token']).toBe('abc');
    const connecting = owner.of(WsMetric.connecting);
    expect(connecting).toHaveLength(1);
    expect(connecting[0]!.tags).toEqual(tags);
    expect(connecting[0]!.value).toBeGreaterThan(0);
    expect(connecting[0]!.value).toBeLessThanOrEqual(owner.settledAt(OPEN_OP) - started);
    expect(owner.of(WsMetric.connectionFailed).map((s) => [s.value, s.tags])).toEqual([[0, tags]]);
    expect(owner.of(WsMetric.sessions).map((s) => [s.value, s.tags])).toEqual([[1, tags]]);
    expect(owner.of(WsMetric.errors)).toEqual([]);
    expect(owner.forgotten).toBe(0);
  });

  it('a refused connection rejects open() with the kind "refused", records ws_errors{error:refused} and a failed connection, and forgets the socket', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const { owner } = connect(url);
    await until(() => owner.forgotten > 0);

    expect(owner.settlements(OPEN_OP)).toEqual([['reject', OPEN_OP, expect.stringMatching(new RegExp(`^ws\\.open\\(${url}\\): refused: connect ECONNREFUSED`))]]);
    expect(owner.of(WsMetric.errors).map((s) => [s.value, s.tags])).toEqual([[1, { ...socketTags(url), error: 'refused' }]]);
    expect(owner.of(WsMetric.connectionFailed).map((s) => s.value)).toEqual([1]);
    expect(owner.of(WsMetric.sessions)).toEqual([]);
    expect(owner.of(WsMetric.connecting)).toEqual([]);
    expect(owner.forgotten).toBe(1);
  });

  it('an upgrade answered with 403 is a handshake_status error tagged with the status, counted once', async () => {
    const target = await wsTarget(() => {}, { verifyClient: (_info, answer) => answer(false, 403) });
    const { owner } = connect(target.url);
    await until(() => owner.forgotten > 0);

    expect(owner.settlements(OPEN_OP)).toEqual([['reject', OPEN_OP, `ws.open(${target.url}): handshake_status: handshake answered with HTTP 403`]]);
    expect(owner.of(WsMetric.errors).map((s) => [s.value, s.tags])).toEqual([[1, { ...socketTags(target.url), error: 'handshake_status', status: '403' }]]);
    expect(owner.of(WsMetric.connectionFailed).map((s) => s.value)).toEqual([1]);
    expect(owner.of(WsMetric.sessions)).toEqual([]);
  });

  // The timeout bounds the whole handshake: a target that trickles its answer does not keep it alive.
  it.each([
    ['never answers the upgrade', silentTarget],
    ['answers it a byte at a time, never finishing', tricklingTarget],
  ])('a target that %s is a timeout after the open timeout', async (_, target) => {
    const url = await target();
    const started = performance.now();
    const { owner } = connect(url, { timeoutMs: 300 });
    await until(() => owner.settlements(OPEN_OP).length > 0);

    expect(owner.settledAt(OPEN_OP) - started).toBeGreaterThanOrEqual(290);
    expect(owner.settledAt(OPEN_OP) - started).toBeLessThan(2_500);
    expect(owner.settlements(OPEN_OP)).toEqual([['reject', OPEN_OP, `ws.open(${url}): timeout: the handshake took longer than 300 ms`]]);
    expect(owner.of(WsMetric.errors).map((s) => s.tags['error'])).toEqual(['timeout']);
    expect(owner.of(WsMetric.connectionFailed).map((s) => s.value)).toEqual([1]);
  });

  it('the open timeout ends with the handshake: an open socket outlives it', async () => {
    const target = await wsTarget();
    const { owner } = await opened(target, { timeoutMs: 100 });
    await sleep(400);

    expect(target.connections[0]!.closed).toBeUndefined();
    expect(owner.of(WsMetric.errors)).toEqual([]);
    expect(owner.socketEvents('close')).toEqual([]);
  });
});

describe('HostSocket: messages', () => {
  it('text and binary messages and pings from the server arrive as events stamped with the host clock, a turn after open() resolved', async () => {
    const target = await wsTarget((connection) => {
      // Sent with the handshake's answer: they reach the client while open() is still being resolved.
      connection.ws.send('héllo ✓');
      connection.ws.send(Buffer.from([0, 1, 2, 255]));
      connection.ws.ping();
    });
    const started = performance.now();
    const { owner } = connect(target.url);
    // Whether a turn of the event loop had passed since open() resolved, as each socket event came.
    let turnPassed = false;
    const afterTurn: boolean[] = [];
    const deliver = owner.deliver.bind(owner);
    owner.deliver = (event) => {
      if (event[0] === 'resolve') setImmediate(() => (turnPassed = true));
      else afterTurn.push(turnPassed);
      deliver(event);
    };
    await until(() => owner.socketEvents('message').length === 2 && owner.socketEvents('ping').length === 1);
    const ended = performance.now();

    const [text, binary] = owner.socketEvents('message');
    expect(text).toEqual(['ws', SOCKET, 'message', 'héllo ✓', false, expect.any(Number)]);
    // ws's own bytes: the crossing copies exactly these into the realm (test/unit/sandbox/inbox.test.ts).
    expect(binary).toEqual(['ws', SOCKET, 'message', expect.any(Uint8Array), true, expect.any(Number)]);
    expect([...(binary![3] as Uint8Array)]).toEqual([0, 1, 2, 255]);
    expect(owner.socketEvents('ping')).toEqual([['ws', SOCKET, 'ping', null, null, expect.any(Number)]]);
    for (const event of [text!, binary!, ...owner.socketEvents('ping')]) {
      expect(event[5]).toBeGreaterThanOrEqual(started);
      expect(event[5]).toBeLessThanOrEqual(ended);
    }
    expect(text![5]).toBeLessThanOrEqual(binary![5]);
    // The script sets its handlers in the crossing after open() resolved: events wait for it.
    expect(owner.events[0]).toEqual(['resolve', OPEN_OP, expect.objectContaining({ protocol: '' })]);
    expect(afterTurn).toEqual([true, true, true]);
  });

  it('sends reach the server in order, text as text and bytes as binary', async () => {
    const { socket, server } = await opened(await wsTarget());
    // Short text goes to ws as bytes (one write per frame), long text as a string: both are text frames.
    const long = 'é'.repeat(3000) + '✓'.repeat(2000);
    socket.act(send('hi ✓'));
    socket.act(send(new Uint8Array([9, 8, 7]).buffer));
    socket.act(send(long));
    socket.act(send(''));
    await until(() => server.received.length === 4);

    expect(server.received.map((m) => [m.binary, m.binary ? [...m.data] : m.data.toString('utf8')])).toEqual([
      [false, 'hi ✓'],
      [true, [9, 8, 7]],
      [false, long],
      [false, ''],
    ]);
  });

  it('messages are counted by countTraffic(): one ws_msgs_sent and one ws_msgs_received sample with the count since the last call', async () => {
    const target = await wsTarget((connection) => connection.ws.on('message', (data, binary) => connection.ws.send(data, { binary })));
    const { socket, owner } = await opened(target);
    for (const text of ['a', 'b', 'c']) socket.act(send(text));
    await until(() => owner.socketEvents('message').length === 3);

    expect(owner.of(WsMetric.msgsSent)).toEqual([]);
    expect(owner.of(WsMetric.msgsReceived)).toEqual([]);
    socket.countTraffic();
    expect(owner.of(WsMetric.msgsSent).map((s) => [s.value, s.tags])).toEqual([[3, socketTags(target.url)]]);
    expect(owner.of(WsMetric.msgsReceived).map((s) => [s.value, s.tags])).toEqual([[3, socketTags(target.url)]]);

    socket.act(send('d'));
    await until(() => owner.socketEvents('message').length === 4);
    socket.countTraffic();
    socket.countTraffic();
    expect(owner.of(WsMetric.msgsSent).map((s) => s.value)).toEqual([3, 1]);
    expect(owner.of(WsMetric.msgsReceived).map((s) => s.value)).toEqual([3, 1]);
  });
});

describe('HostSocket: countTraffic() and bytes', () => {
  it('data_sent and data_received add up to the bytes the server read and wrote, handshake included, each byte counted once', async () => {
    const target = await wsTarget((connection) => connection.ws.on('message', (data) => connection.ws.send(Buffer.alloc((data as Buffer).length * 5, 7))));
    const { socket, owner, server } = await opened(target);
    const total = (metric: string): number => owner.of(metric).reduce((sum, s) => sum + s.value, 0);

    socket.act(send('x'.repeat(1_000)));
    await until(() => owner.socketEvents('message').length === 1);
    socket.countTraffic();
    expect(total(Metric.dataSent)).toBe(server.net.bytesRead);
    expect(total(Metric.dataReceived)).toBe(server.net.bytesWritten);
    // The handshake and a 1000-byte frame one way, a 5000-byte frame the other.
    expect(total(Metric.dataSent)).toBeGreaterThan(1_000);
    expect(total(Metric.dataReceived)).toBeGreaterThan(5_000);
    expect(owner.of(Metric.dataSent).every((s) => s.tags['url'] === target.url)).toBe(true);

    socket.act(send(new Uint8Array(300).buffer));
    await until(() => owner.socketEvents('message').length === 2);
    socket.countTraffic();
    expect(total(Metric.dataSent)).toBe(server.net.bytesRead);
    expect(total(Metric.dataReceived)).toBe(server.net.bytesWritten);
    expect(owner.of(Metric.dataSent)).toHaveLength(2);

    // Nothing moved: no samples of zero.
    socket.countTraffic();
    expect(owner.of(Metric.dataSent)).toHaveLength(2);
    expect(owner.of(Metric.dataReceived)).toHaveLength(2);
  });

  it('tells its owner once when it has traffic to count, and not again until counted, so idle sockets are never visited', async () => {
    const target = await wsTarget((connection) => connection.ws.on('message', (data, binary) => connection.ws.send(data, { binary })));
    const { socket, owner } = await opened(target);
    // The handshake's bytes are the first traffic.
    expect(owner.activations).toBe(1);
    socket.act(send('a'));
    socket.act(send('b'));
    await until(() => owner.socketEvents('message').length === 2);
    expect(owner.activations).toBe(1);
    expect(socket.countTraffic()).toBe(false);

    // Idle: counting finds nothing and asks for nothing.
    await sleep(20);
    expect(owner.activations).toBe(1);
    expect(socket.countTraffic()).toBe(false);
    expect(owner.of(WsMetric.msgsSent).map((s) => s.value)).toEqual([2]);

    socket.act(send('c'));
    expect(owner.activations).toBe(2);
    await until(() => owner.socketEvents('message').length === 3);
    socket.countTraffic();
    expect(owner.of(WsMetric.msgsSent).map((s) => s.value)).toEqual([2, 1]);
    expect(owner.of(WsMetric.msgsReceived).map((s) => s.value)).toEqual([2, 1]);
  });
});

describe('HostSocket: correlated requests', () => {
  it('a request answered and ended gives ws_req_ttfr and ws_req_duration from its send to the host times of its first and last reply', async () => {
    const target = await wsTarget((connection) =>
      connection.ws.on('message', () => {
        connection.ws.send('part 1');
        setTimeout(() => connection.ws.send('part 2'), 30);
      }),
    );
    const { socket, owner } = await opened(target);
    const before = performance.now();
    socket.act(send('login', 7, 2_000));
    const after = performance.now();
    await until(() => owner.socketEvents('message').length === 2);
    const [first, last] = owner.socketEvents('message').map((e) => e[5]);
    socket.act(requestEnd(7, first!, last!, false, '::auth', { name: 'login' }));

    const tags = { scenario: 'default', group: '::auth', url: target.url, name: 'login' };
    expect(owner.of(WsMetric.reqFailed).map((s) => [s.value, s.tags])).toEqual([[0, tags]]);
    const [ttfr] = owner.of(WsMetric.reqTtfr);
    const [duration] = owner.of(WsMetric.reqDuration);
    expect(ttfr?.tags).toEqual(tags);
    expect(duration?.tags).toEqual(tags);
    expect(ttfr!.value).toBeGreaterThanOrEqual(first! - after);
    expect(ttfr!.value).toBeLessThanOrEqual(first! - before);
    expect(duration!.value).toBeGreaterThanOrEqual(last! - after);
    expect(duration!.value).toBeLessThanOrEqual(last! - before);
    expect(duration!.value - ttfr!.value).toBeCloseTo(last! - first!, 6);
    expect(duration!.value - ttfr!.value).toBeGreaterThanOrEqual(25);
  });

  it('a request ended in time never times out', async () => {
    const target = await wsTarget((connection) => connection.ws.on('message', (data) => data.toString() === 'answer me' && connection.ws.send('answer')));
    const { socket, owner } = await opened(target);
    socket.act(send('answer me', 1, 500));
    await until(() => owner.socketEvents('message').length === 1);
    socket.act(requestEnd(1, owner.socketEvents('message')[0]![5], owner.socketEvents('message')[0]![5], false));
    // A witness sent later with the same timeout: once its deadline fired, the first one's would have too.
    socket.act(send('ignore me', 2, 500));
    await until(() => owner.socketEvents('timeout').length > 0);

    expect(owner.socketEvents('timeout').map((e) => e[3])).toEqual([2]);
    expect(owner.of(WsMetric.reqFailed).map((s) => s.value)).toEqual([0]);
  });

  it('a request with no reply gets one timeout event at its deadline, and its failed end is tagged timeout with no latency samples', async () => {
    const target = await wsTarget();
    const { socket, owner } = await opened(target);
    const before = performance.now();
    socket.act(send('anyone?', 9, 150));
    const after = performance.now();
    await until(() => owner.socketEvents('timeout').length > 0);

    const [timeout] = owner.socketEvents('timeout');
    expect(timeout).toEqual(['ws', SOCKET, 'timeout', 9, null, expect.any(Number)]);
    expect(timeout![5] - before).toBeGreaterThanOrEqual(150);
    // Deadlines are swept every 25 ms; a busy machine adds its own delay.
    expect(timeout![5] - after).toBeLessThan(150 + 1_000);

    // More sweeps pass (a witness's deadline comes later) without a second event for request 9.
    socket.act(send('anyone else?', 10, 100));
    await until(() => owner.socketEvents('timeout').length > 1);
    expect(owner.socketEvents('timeout').map((e) => e[3])).toEqual([9, 10]);

    socket.act(requestEnd(9, 0, 0, true));
    expect(owner.of(WsMetric.reqFailed).map((s) => [s.value, s.tags])).toEqual([[1, { ...socketTags(target.url), error: 'timeout' }]]);
    expect(owner.of(WsMetric.reqTtfr)).toEqual([]);
    expect(owner.of(WsMetric.reqDuration)).toEqual([]);
  });
});

describe('HostSocket: closing', () => {
  it('the server closing with 1000: a close event with the code and reason, no ws_errors, the session duration, and the socket is forgotten', async () => {
    const { owner } = await endedByServer((server) => server.ws.close(1000, 'bye'));

    expect(owner.socketEvents('close')).toEqual([['ws', SOCKET, 'close', 1000, 'bye', expect.any(Number)]]);
    expect(owner.of(WsMetric.errors)).toEqual([]);
    expect(owner.socketEvents('error')).toEqual([]);
    expect(owner.of(WsMetric.sessionDuration)).toHaveLength(1);
    expect(owner.of(WsMetric.sessionDuration)[0]!.value).toBeGreaterThan(0);
    // The close counts what the session had not counted yet.
    expect(owner.of(WsMetric.msgsSent).map((s) => s.value)).toEqual([1]);
    expect(owner.forgotten).toBe(1);
  });

  it('the server dropping the connection without a close frame: ws_errors{error:closed_abnormally} with the close code', async () => {
    const { owner, url } = await endedByServer((server) => server.ws.terminate());

    expect(owner.socketEvents('close')).toEqual([['ws', SOCKET, 'close', 1006, '', expect.any(Number)]]);
    expect(owner.of(WsMetric.errors).map((s) => [s.value, s.tags])).toEqual([[1, { ...socketTags(url), error: 'closed_abnormally', close_code: '1006' }]]);
    expect(owner.forgotten).toBe(1);
  });

  it('a reset connection: one error event and one ws_errors sample of kind reset, then the close, which is not counted again', async () => {
    const { owner, url } = await endedByServer((server) => server.net.resetAndDestroy());

    expect(owner.socketEvents('error')).toEqual([['ws', SOCKET, 'error', expect.stringMatching(/ECONNRESET/), 'reset', expect.any(Number)]]);
    expect(owner.of(WsMetric.errors).map((s) => [s.value, s.tags])).toEqual([[1, { ...socketTags(url), error: 'reset' }]]);
    expect(owner.socketEvents('close').map((e) => e[3])).toEqual([1006]);
    const errorIndex = owner.events.indexOf(owner.socketEvents('error')[0]!);
    const closeIndex = owner.events.indexOf(owner.socketEvents('close')[0]!);
    expect(errorIndex).toBeLessThan(closeIndex);
  });

  it('a server that breaks the protocol: ws_errors{error:protocol}, counted once', async () => {
    // Opcode 15 is reserved: the client must fail the connection.
    const { owner } = await endedByServer((server) => server.net.write(Buffer.from([0x8f, 0x00])));

    expect(owner.socketEvents('error')).toEqual([['ws', SOCKET, 'error', expect.stringMatching(/invalid opcode 15/), 'protocol', expect.any(Number)]]);
    expect(owner.of(WsMetric.errors).map((s) => s.tags['error'])).toEqual(['protocol']);
  });

  it('the script closing is no error, whatever code it chose', async () => {
    const target = await wsTarget();
    const { socket, owner, server } = await opened(target);
    socket.act(['wsClose', VU, SOCKET, 4000, 'done']);
    await until(() => owner.socketEvents('close').length > 0 && server.closed !== undefined);

    expect(server.closed).toEqual({ code: 4000, reason: 'done' });
    expect(owner.socketEvents('close')).toEqual([['ws', SOCKET, 'close', 4000, 'done', expect.any(Number)]]);
    expect(owner.of(WsMetric.errors)).toEqual([]);
    expect(owner.forgotten).toBe(1);
  });
});

describe('HostSocket: requests cut off by the end of the session', () => {
  /** Each way a session can end under an open request, and the `error` tag of that request's failure. */
  const ends: [string, (server: Connection, socket: HostSocket) => void, string][] = [
    ['the server closes with 1000', (server) => server.ws.close(1000), 'closed'],
    ['the server drops the connection', (server) => server.ws.terminate(), 'closed_abnormally'],
    ['the server resets the connection', (server) => server.net.resetAndDestroy(), 'reset'],
    ['the script closes the socket', (_server, socket) => socket.act(['wsClose', VU, SOCKET, 1000, '']), 'closed_by_script'],
  ];

  it.each(ends)('%s: the socket stays known until the sandbox reports the request, which is tagged with the why', async (_how, end, error) => {
    const target = await wsTarget();
    const { socket, owner, server } = await opened(target);
    socket.act(send('never answered', 4, 10_000));
    await until(() => server.received.length === 1);
    end(server, socket);
    await until(() => owner.socketEvents('close').length > 0);

    expect(owner.forgotten).toBe(0);
    socket.act(requestEnd(4, 0, 0, true));
    expect(owner.of(WsMetric.reqFailed).map((s) => [s.value, s.tags])).toEqual([[1, { ...socketTags(target.url), error }]]);
    expect(owner.forgotten).toBe(1);
  });

  it('requests the sandbox never reports are counted by the socket itself 2 s after the close, a timed-out one as a timeout', async () => {
    const target = await wsTarget((connection) => connection.ws.on('message', (data) => data.toString() === 'last' && connection.ws.close(1000)));
    const { socket, owner } = await opened(target);
    socket.act(send('first', 1, 100));
    await until(() => owner.socketEvents('timeout').length > 0);
    socket.act(send('last', 2, 10_000));
    await until(() => owner.socketEvents('close').length > 0);
    const closedAt = owner.socketEvents('close')[0]![5];

    await until(() => owner.forgotten > 0, 6_000);
    const failed = owner.of(WsMetric.reqFailed);
    expect(failed.map((s) => [s.value, s.tags])).toEqual([
      [1, { ...socketTags(target.url), error: 'timeout' }],
      [1, { ...socketTags(target.url), error: 'closed' }],
    ]);
    for (const sample of failed) {
      expect(sample.at - closedAt).toBeGreaterThanOrEqual(1_990);
      expect(sample.at - closedAt).toBeLessThan(2_000 + 2_000);
    }
    expect(owner.forgotten).toBe(1);
  });
});

describe('HostSocket: requests sent as the session ends', () => {
  it("a request sent while the script's close is under way is cut off by it, as closed_by_script", async () => {
    const target = await wsTarget();
    const { socket, owner } = await opened(target);
    socket.act(['wsClose', VU, SOCKET, 1000, '']);
    socket.act(send('too late?', 4, 5_000));
    await until(() => owner.socketEvents('close').length === 1);
    expect(owner.forgotten).toBe(0);
    socket.act(requestEnd(4, 0, 0, true));
    expect(owner.of(WsMetric.reqFailed).map((s) => [s.value, s.tags['error']])).toEqual([[1, 'closed_by_script']]);
    expect(owner.forgotten).toBe(1);
  });

  it('a request sent after the server closed counts as failed, with why the session ended, once', async () => {
    const { socket, owner } = await endedByServer((server) => server.ws.close(1000, 'bye'));
    expect(owner.forgotten).toBe(1);
    socket.act(send('anyone?', 5, 5_000));
    expect(owner.of(WsMetric.reqFailed).map((s) => [s.value, s.tags['error']])).toEqual([[1, 'closed']]);
    // The sandbox's own end of it, when its close event arrives, is not a second failure.
    socket.act(requestEnd(5, 0, 0, true));
    expect(owner.of(WsMetric.reqFailed)).toHaveLength(1);
    expect(owner.forgotten).toBe(1);
    expect(owner.socketEvents('timeout')).toEqual([]);
  });
});

describe('HostSocket: ping', () => {
  it('ping resolves its op with the round trip, which ws_ping records', async () => {
    const target = await wsTarget();
    const { socket, owner } = await opened(target);
    const before = performance.now();
    socket.act(['wsPing', VU, 5, SOCKET]);
    await until(() => owner.settlements(5).length > 0);

    expect(owner.settlements(5)).toEqual([['resolve', 5, expect.any(Number)]]);
    const rtt = owner.settlements(5)[0]![2] as number;
    expect(rtt).toBeGreaterThan(0);
    expect(rtt).toBeLessThanOrEqual(owner.settledAt(5) - before);
    expect(owner.of(WsMetric.ping).map((s) => [s.value, s.tags])).toEqual([[rtt, socketTags(target.url)]]);
  });

  it('a ping the socket closes under is rejected with the close code; one on a closed socket is rejected at once', async () => {
    const target = await wsTarget((connection) => connection.ws.on('ping', () => connection.ws.close(1000)), { autoPong: false });
    const { socket, owner } = await opened(target);
    socket.act(['wsPing', VU, 5, SOCKET]);
    await until(() => owner.settlements(5).length > 0);
    expect(owner.settlements(5)).toEqual([['reject', 5, 'ping(): the socket closed with code 1000']]);

    socket.act(['wsPing', VU, 6, SOCKET]);
    expect(owner.settlements(6)).toEqual([['reject', 6, 'ping(): the socket is not open']]);
    expect(owner.of(WsMetric.ping)).toEqual([]);
  });
});

describe('HostSocket: stream', () => {
  it('N bytes in frames of F every I ms: ceil(N/F) binary frames carry the exact bytes in order, the op resolves when the last is due, and each frame records its lag', async () => {
    const target = await wsTarget();
    const { socket, owner, server } = await opened(target);
    const [bytes, frameBytes, intervalMs] = [10_000, 1_024, 20];
    const frames = Math.ceil(bytes / frameBytes);
    const held = holdBytes(pattern(bytes));
    const before = performance.now();
    socket.act(stream(8, held, frameBytes, intervalMs, '::audio', { name: 'utterance' }));
    await until(() => owner.settlements(8).length > 0 && server.received.length === frames);

    expect(owner.settlements(8)).toEqual([['resolve', 8, undefined]]);
    // The last frame is due (frames - 1) intervals after the start: not before.
    const lastDue = before + (frames - 1) * intervalMs;
    expect(owner.settledAt(8)).toBeGreaterThanOrEqual(lastDue);
    expect(owner.settledAt(8)).toBeLessThan(lastDue + 2_000);
    expect(server.received.at(-1)!.at).toBeGreaterThanOrEqual(lastDue);
    expect(server.received.map((m) => [m.binary, m.data.length])).toEqual([...Array(frames - 1).fill([true, frameBytes]), [true, bytes % frameBytes]]);
    expect(Buffer.concat(server.received.map((m) => m.data)).equals(Buffer.from(pattern(bytes)))).toBe(true);

    const lags = owner.of(WsMetric.streamFrameLag);
    expect(lags).toHaveLength(frames);
    for (const lag of lags) {
      expect(lag.tags).toEqual({ scenario: 'default', group: '::audio', url: target.url, name: 'utterance' });
      expect(lag.value).toBeGreaterThanOrEqual(0);
      expect(lag.value).toBeLessThan(1_000);
    }
    socket.countTraffic();
    expect(owner.of(WsMetric.msgsSent).map((s) => s.value)).toEqual([frames]);
    // The frames went out of the pacer thread, their bytes are counted all the same (header 8 with a mask).
    expect(owner.of(Metric.dataSent).reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(bytes + frames * 6);
    // The stream let go of its bytes.
    expect(heldBytes(held)).toBeUndefined();
  });

  it('messages the script sends while a stream plays go out whole, between frames, and the socket is its own again after', async () => {
    const { socket, owner, server } = await opened(await wsTarget());
    const [bytes, frameBytes, intervalMs] = [30_000, 3_000, 10];
    socket.act(stream(8, holdBytes(pattern(bytes)), frameBytes, intervalMs));
    await until(() => server.received.length >= 3);
    socket.act(send('during'));
    await until(() => owner.settlements(8).length > 0 && server.received.length === bytes / frameBytes + 1);
    socket.act(send('after'));
    await until(() => server.received.length === bytes / frameBytes + 2);

    expect(owner.settlements(8)).toEqual([['resolve', 8, undefined]]);
    const texts = server.received.filter((m) => !m.binary).map((m) => m.data.toString('utf8'));
    expect(texts).toEqual(['during', 'after']);
    const frames = server.received.filter((m) => m.binary);
    expect(Buffer.concat(frames.map((m) => m.data)).equals(Buffer.from(pattern(bytes)))).toBe(true);
  });

  it('two streams of the same bytes hold them once, until the last one ends', async () => {
    const first = await opened(await wsTarget());
    const second = await opened(await wsTarget());
    const audio = pattern(9_000);
    const held = holdBytes(audio);
    expect(holdBytes(audio.slice(0))).toBe(held);
    expect(holdBytes(pattern(9_001))).not.toBe(held);
    first.socket.act(stream(8, held, 3_000, 5));
    second.socket.act(stream(8, held, 3_000, 200));
    await until(() => first.owner.settlements(8).length > 0);
    expect(heldBytes(held)).toBeDefined();
    await until(() => second.owner.settlements(8).length > 0);

    expect(heldBytes(held)).toBeUndefined();
  });

  it('a stream the socket closes under is rejected with the close code; one on a closed socket is rejected at once', async () => {
    const target = await wsTarget((connection) => connection.ws.on('message', () => connection.received.length === 2 && connection.ws.close(1000)));
    const { socket, owner, server } = await opened(target);
    socket.act(stream(8, holdBytes(pattern(10 * 1_024)), 1_024, 50));
    await until(() => owner.settlements(8).length > 0);

    expect(owner.settlements(8)).toEqual([['reject', 8, 'stream(): the socket closed with code 1000 before the last frame']]);
    expect(server.received.length).toBeLessThan(10);

    socket.act(stream(9, holdBytes(pattern(1_024)), 1_024, 50));
    expect(owner.settlements(9)).toEqual([['reject', 9, 'stream(): the socket closed before the last frame']]);
  });

  it('a stream whose bytes are not held is rejected and sends nothing', async () => {
    const { socket, owner, server } = await opened(await wsTarget());
    socket.act(stream(8, 1_000_000, 1_024, 10));

    expect(owner.settlements(8)).toEqual([['reject', 8, 'stream(): its bytes are gone from the host']]);
    // A message sent after it arrives alone: no frame went before it.
    socket.act(send('after'));
    await until(() => server.received.length > 0);
    expect(server.received.map((m) => m.data.toString('utf8'))).toEqual(['after']);
  });
});

describe('HostSocket: terminate()', () => {
  it('ends the session at once: the server sees the connection drop, traffic and duration are counted, and nothing pending is settled or reported', async () => {
    const target = await wsTarget(() => {}, { autoPong: false });
    const { socket, owner, server } = await opened(target);
    socket.act(send('hello', 3, 100));
    socket.act(['wsPing', VU, 5, SOCKET]);
    socket.act(stream(8, holdBytes(pattern(20 * 1_024)), 1_024, 50));
    await until(() => server.received.length >= 2);
    const delivered = owner.events.length;

    socket.terminate();
    socket.terminate();
    const sent = owner.of(WsMetric.msgsSent).map((s) => s.value);
    expect(sent).toHaveLength(1);
    expect(owner.of(WsMetric.sessionDuration)).toHaveLength(1);
    await until(() => server.closed !== undefined);
    expect(server.closed?.code).toBe(1006);
    // Past the request's deadline and several stream intervals: still nothing.
    await sleep(300);

    expect(owner.events.slice(delivered)).toEqual([]);
    expect(owner.settlements(5)).toEqual([]);
    expect(owner.settlements(8)).toEqual([]);
    expect(owner.socketEvents('timeout')).toEqual([]);
    // The message, and only the frames that left before the end (the pacer reports them in batches,
    // so the count may not have heard of the last few).
    expect(server.received.length).toBeLessThan(1 + 20);
    expect(owner.of(WsMetric.sessionDuration)).toHaveLength(1);
  });

  it('during the handshake: the socket is forgotten without a failed connection or an error', async () => {
    const { socket, owner } = connect(await silentTarget());
    socket.terminate();
    await until(() => owner.forgotten > 0);

    expect(owner.events).toEqual([]);
    expect(owner.of(WsMetric.errors)).toEqual([]);
    expect(owner.of(WsMetric.connectionFailed)).toEqual([]);
    expect(owner.of(WsMetric.sessionDuration)).toEqual([]);
  });
});
