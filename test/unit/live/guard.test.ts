/**
 * The live servers' door (guard.ts): which request targets and Host headers pass, as tables; then
 * both servers on 127.0.0.1 port 0 fed exact bytes (a target that no URL parser takes, foreign and
 * missing Host headers, bad header lines, garbage, a snapshot that throws), each answered, and the
 * server still answering the next request: nothing a client sends stops the run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard } from '../../../src/live/dashboard.js';
import { refuseHost, requestPath } from '../../../src/live/guard.js';
import { startPrometheus } from '../../../src/live/prometheus.js';
import type { RunResults } from '../../../src/results/types.js';
import { exchange, get, parseResponses, type RawResponse } from './raw.js';
import { GrowingSource } from './source.js';
import { EventStream } from './sse.js';

describe('requestPath', () => {
  it.each([
    ['/', '/'],
    ['/metrics', '/metrics'],
    ['/metrics?name%5B%5D=x', '/metrics'],
    ['/events?a=1&b=/?', '/events'],
    ['/a%20b/c', '/a%20b/c'],
    ["/-._~!$&'()*+,;=:@", "/-._~!$&'()*+,;=:@"],
    ['//events', '//events'],
  ])('takes %j as the path %j', (target, path) => {
    expect(requestPath(target)).toBe(path);
  });

  it.each(['//[', '/[', '/a b', '/#top', '/%zz', '/é', '/?x=<1>', 'http://127.0.0.1:5665/', '*', 'metrics', ''])('refuses %j', (target) => {
    expect(requestPath(target)).toBeUndefined();
  });
});

describe('refuseHost', () => {
  it.each<[string, readonly string[], string, number]>([
    ['the bound address', ['127.0.0.1:5665'], '127.0.0.1', 5665],
    ['localhost, in any case', ['LocalHost:5665'], '127.0.0.1', 5665],
    ['IPv6 loopback', ['[::1]:5665'], '127.0.0.1', 5665],
    ['any IP address (no name to rebind)', ['192.0.2.7:9464'], '0.0.0.0', 9464],
    ['any IPv6 address', ['[2001:db8::1]:9464'], '::', 9464],
    ['the bound name', ['WSK-Box:9464'], 'wsk-box', 9464],
    ['no port on port 80', ['127.0.0.1'], '127.0.0.1', 80],
    ['an empty port on port 80', ['localhost:'], '127.0.0.1', 80],
  ])('accepts %s', (_, values, boundHost, port) => {
    expect(refuseHost(values, boundHost, port)).toBeUndefined();
  });

  it.each<[string, readonly string[] | undefined, string, number]>([
    ['another name', ['evil.example:5665'], '127.0.0.1', 5665],
    ['another name when bound to every address', ['evil.example:9464'], '0.0.0.0', 9464],
    ['a name under localhost', ['evil.localhost.example:5665'], '127.0.0.1', 5665],
    ['another port', ['127.0.0.1:5666'], '127.0.0.1', 5665],
    ['no port on another port than 80', ['localhost'], '127.0.0.1', 5665],
    ['an unclosed IPv6 literal', ['[::1:5665'], '127.0.0.1', 5665],
    ['a bracketed IPv4 address', ['[127.0.0.1]:5665'], '127.0.0.1', 5665],
    ['an empty host', [':5665'], '127.0.0.1', 5665],
    ['an empty header', [''], '127.0.0.1', 5665],
    ['no header', undefined, '127.0.0.1', 5665],
  ])('refuses %s with 403', (_, values, boundHost, port) => {
    expect(refuseHost(values, boundHost, port)?.status).toBe(403);
  });

  it('names the Host it got and what it accepts, in one line', () => {
    expect(refuseHost(['evil.example:5665'], '127.0.0.1', 5665)?.reason).toBe(
      `Refused: Host "evil.example:5665" is not this server's address; use an IP address or localhost with port 5665.`,
    );
    expect(refuseHost(undefined, '127.0.0.1', 5665)?.reason).toBe('Refused: the request has no Host header; use an IP address or localhost with port 5665.');
  });

  it('answers more than one Host header with 400', () => {
    expect(refuseHost(['127.0.0.1:5665', 'evil.example:5665'], '127.0.0.1', 5665)).toEqual({
      status: 400,
      reason: 'Bad request: 2 Host headers ("127.0.0.1:5665", "evil.example:5665"); expected one.',
    });
  });
});

/** A run whose snapshot throws while `failing` is set. */
class FailingSource extends GrowingSource {
  failing = false;

  override snapshot(): RunResults {
    if (this.failing) throw new Error('the coordinator is gone');
    return super.snapshot();
  }
}

interface Served {
  readonly port: number;
  /** A path the server answers with 200. */
  readonly page: string;
  readonly source: FailingSource;
  close(): Promise<void>;
}

const opened: Served[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()));
});

const SERVERS: Readonly<Record<string, (source: FailingSource) => Promise<{ url: string; close(): Promise<void> }>>> = {
  dashboard: (source) => startDashboard({ host: '127.0.0.1', port: 0, updateEveryMs: 40 }, source),
  prometheus: (source) => startPrometheus({ host: '127.0.0.1', port: 0 }, source),
};

async function serve(kind: string): Promise<Served> {
  const source = new FailingSource();
  const server = await SERVERS[kind]!(source);
  const url = new URL(server.url);
  const served = { port: Number(url.port), page: url.pathname, source, close: () => server.close() };
  opened.push(served);
  return served;
}

/** Sends `bytes` on one connection and returns the responses. */
async function send(served: Served, bytes: string): Promise<RawResponse[]> {
  return parseResponses(await exchange(served.port, bytes));
}

/** A good request on a connection of its own: what shows the server is still up. */
async function stillUp(served: Served): Promise<void> {
  const [response] = await send(served, get(served.page, [`host: 127.0.0.1:${served.port}`, 'connection: close']));
  expect(response?.status).toBe(200);
}

describe.each(Object.keys(SERVERS))('the %s server', (kind) => {
  it('answers a target no URL parser takes with 400, and the next request on the connection with 200', async () => {
    const served = await serve(kind);
    const host = `host: 127.0.0.1:${served.port}`;
    const responses = await send(served, get('//[', [host]) + get(served.page, [host, 'connection: close']));
    expect(responses.map((response) => response.status)).toEqual([400, 200]);
    expect(responses[0]?.body).toBe(`Bad request: the target "//[" is not a path ('/', RFC 3986 characters, then an optional query).\n`);
    await stillUp(served);
  });

  it('refuses a foreign Host with 403 naming it, whatever the path', async () => {
    const served = await serve(kind);
    for (const target of [served.page, '/', '//[']) {
      const [response] = await send(served, get(target, [`host: evil.example:${served.port}`, 'connection: close']));
      expect(response?.status).toBe(403);
      expect(response?.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response?.body).toBe(`Refused: Host "evil.example:${served.port}" is not this server's address; use an IP address or localhost with port ${served.port}.\n`);
    }
    await stillUp(served);
  });

  it('refuses a request without Host, with a wrong port or with two Hosts; takes localhost and [::1]', async () => {
    const served = await serve(kind);
    const [noHost] = await send(served, `GET ${served.page} HTTP/1.0\r\n\r\n`);
    expect(noHost?.status).toBe(403);
    const [wrongPort] = await send(served, get(served.page, [`host: 127.0.0.1:${served.port + 1}`, 'connection: close']));
    expect(wrongPort?.status).toBe(403);
    const [twoHosts] = await send(served, get(served.page, [`host: 127.0.0.1:${served.port}`, `host: evil.example:${served.port}`, 'connection: close']));
    expect(twoHosts?.status).toBe(400);
    for (const host of [`localhost:${served.port}`, `[::1]:${served.port}`]) {
      const [response] = await send(served, get(served.page, [`host: ${host}`, 'connection: close']));
      expect(response?.status).toBe(200);
    }
  });

  it('answers a bad header line and garbage bytes with 400 and closes; the server stays up', async () => {
    const served = await serve(kind);
    const badHeader = await send(served, get(served.page, [`host: 127.0.0.1:${served.port}`, 'no colon here']));
    expect(badHeader.map((response) => [response.status, response.body])).toEqual([[400, 'Bad Request: HPE_INVALID_HEADER_TOKEN\n']]);
    await stillUp(served);
    const garbage = await send(served, '\u0000\u0001\u00ff garbage\r\n\r\n');
    expect(garbage.map((response) => response.status)).toEqual([400]);
    await stillUp(served);
  });

  it('answers with 500 naming the error when the snapshot throws, and with 200 once it works again', async () => {
    const served = await serve(kind);
    served.source.failing = true;
    const [failed] = await send(served, get(served.page, [`host: 127.0.0.1:${served.port}`, 'connection: close']));
    expect([failed?.status, failed?.body]).toEqual([500, 'Internal error: the coordinator is gone\n']);
    served.source.failing = false;
    await stillUp(served);
  });
});

describe('the dashboard event stream', () => {
  it('answers with 500 when the first snapshot throws', async () => {
    const served = await serve('dashboard');
    served.source.failing = true;
    const [failed] = await send(served, get('/events', [`host: 127.0.0.1:${served.port}`, 'connection: close']));
    expect([failed?.status, failed?.body]).toEqual([500, 'Internal error: the coordinator is gone\n']);
  });

  it('ends the streams when an update cannot take its snapshot, so pages reconnect; the server stays up', async () => {
    const served = await serve('dashboard');
    const stream = await EventStream.open(`http://127.0.0.1:${served.port}/events`);
    await stream.take(2); // a snapshot and an update: the timer runs
    served.source.failing = true;
    await stream.untilEnded();
    served.source.failing = false;
    const again = await EventStream.open(`http://127.0.0.1:${served.port}/events`);
    expect((await again.take(1)).map((event) => event.name)).toEqual(['snapshot']);
    await again.disconnect();
  });
});
