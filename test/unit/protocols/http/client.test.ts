import type { IncomingHttpHeaders } from 'node:http';
import { gzipSync, deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CookieJar, type HttpTimings } from '../../../../src/protocols/http/client/client.js';
import { bodyOf, client, closeAll, httpServer, spec } from './servers.js';

afterEach(closeAll);

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

function expectDurationIsTheSum(t: HttpTimings): void {
  expect(t.duration).toBeCloseTo(t.sending + t.waiting + t.receiving, 9);
}

describe('HttpClient: phases and connections', () => {
  it('times each phase, and reuses the connection for the next request', async () => {
    const server = await httpServer((_req, res) => setTimeout(() => res.end('hello'), 50));
    const http = client();
    const first = await http.request(spec(`${server.origin}/`));
    const second = await http.request(spec(`${server.origin}/`));

    expect(server.sockets).toHaveLength(1);
    for (const result of [first, second]) {
      expect(result).toMatchObject({ status: 200, statusText: '200 OK', proto: 'HTTP/1.1', body: 'hello', error: '', errorCode: 0 });
      expect(result.remoteIp).toBe('127.0.0.1');
      expect(result.remotePort).toBe(server.port);
      // The server holds its first byte back 50 ms (a timer may fire a little early).
      expect(result.timings.waiting).toBeGreaterThanOrEqual(48);
      expect(result.timings.waiting).toBeLessThan(1_500);
      expect(result.timings.tls_handshaking).toBe(0);
      expectDurationIsTheSum(result.timings);
    }
    expect(first.timings.connecting).toBeGreaterThan(0);
    expect(second.timings.connecting).toBe(0);
  });

  it('opens a connection per request with noConnectionReuse', async () => {
    const seen: (string | undefined)[] = [];
    const server = await httpServer((req, res) => {
      seen.push(req.headers.connection);
      res.end('ok');
    });
    const http = client({ noConnectionReuse: true });
    const first = await http.request(spec(`${server.origin}/`));
    const second = await http.request(spec(`${server.origin}/`));
    expect(server.sockets).toHaveLength(2);
    expect(seen).toEqual(['close', 'close']);
    expect(first.timings.connecting).toBeGreaterThan(0);
    expect(second.timings.connecting).toBeGreaterThan(0);
  });

  it('times receiving from the first byte to the last', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': '10' });
      res.write('hello');
      setTimeout(() => res.end('world'), 50);
    });
    const result = await client().request(spec(`${server.origin}/`));
    expect(result.body).toBe('helloworld');
    // The server shares this process: handling the first chunk late shortens receiving by as much.
    expect(result.timings.receiving).toBeGreaterThanOrEqual(40);
    expect(result.timings.waiting).toBeLessThan(40);
    expectDurationIsTheSum(result.timings);
  });

  it('counts the bytes each hop put on and took off the wire, headers included', async () => {
    const server = await httpServer((_req, res) => res.end('0123456789'));
    const result = await client().request(spec(`${server.origin}/count`, { method: 'POST', body: 'payload' }));
    const socket = server.sockets[0]!;
    expect(result.hops).toHaveLength(1);
    expect(result.hops[0]!.bytesSent).toBe(socket.bytesRead);
    expect(result.hops[0]!.bytesReceived).toBe(socket.bytesWritten);
    expect(result.hops[0]!.bytesReceived).toBeGreaterThan(10);
  });

  it('runs parallel requests at once, and queues them (blocked) beyond maxSocketsPerHost', async () => {
    const server = await httpServer((_req, res) => setTimeout(() => res.end('slow'), 100));
    const parallel = client();
    const started = performance.now();
    const results = await Promise.all([1, 2, 3].map(() => parallel.request(spec(`${server.origin}/`))));
    expect(performance.now() - started).toBeLessThan(250);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);

    const serial = client({ maxSocketsPerHost: 1 });
    const queued = await Promise.all([1, 2].map(() => serial.request(spec(`${server.origin}/`))));
    expect(queued[0]!.timings.blocked).toBeLessThan(50);
    expect(queued[1]!.timings.blocked).toBeGreaterThanOrEqual(95);
    expect(queued[1]!.timings.connecting).toBe(0);
  });

  it('resends an idempotent request once when the kept-alive connection turns out closed, as Go does', async () => {
    const served = new Map<unknown, number>();
    const server = await httpServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      // A connection dies on its second request to /stale, as one the server dropped while idle would.
      if (req.url === '/stale' && count === 2) req.socket.destroy();
      else res.end(`${req.method} ${count}`);
    });
    const http = client();
    await http.request(spec(`${server.origin}/`));
    const retried = await http.request(spec(`${server.origin}/stale`));
    expect(retried).toMatchObject({ status: 200, body: 'GET 1', errorCode: 0 });
    expect(retried.hops).toHaveLength(1);
    expect(retried.timings.connecting).toBeGreaterThan(0);
    expect(server.sockets).toHaveLength(2);

    const other = client();
    await other.request(spec(`${server.origin}/`));
    const posted = await other.request(spec(`${server.origin}/stale`, { method: 'POST', body: 'once' }));
    expect(posted).toMatchObject({ status: 0, error: 'EOF', errorCode: 1000 });
    expect(server.sockets).toHaveLength(3);
  });

  it('closes its connections on close(), ending the requests still running', async () => {
    const silent = await httpServer(() => {});
    const http = client();
    const pending = http.request(spec(`${silent.origin}/`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    http.close();
    expect((await pending).status).toBe(0);
  });

  it('closes its connections on close()', async () => {
    const server = await httpServer((_req, res) => res.end('ok'));
    const http = client();
    await http.request(spec(`${server.origin}/`));
    const closed = new Promise((resolve) => server.sockets[0]!.once('close', resolve));
    http.close();
    await closed;
  });
});

describe('HttpClient: requests and responses', () => {
  async function recordingServer(respond: (seen: Seen, res: import('node:http').ServerResponse) => void = (_s, res) => res.end('ok')) {
    const seen: Seen[] = [];
    const server = await httpServer(async (req, res) => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: await bodyOf(req) };
      seen.push(entry);
      respond(entry, res);
    });
    return { server, seen };
  }

  it('sends the default User-Agent, the body with its length, and the headers given', async () => {
    const { server, seen } = await recordingServer();
    const http = client();
    await http.request(spec(`${server.origin}/a?x=1`, { method: 'POST', body: 'héllo', headers: { 'Content-Type': 'text/plain', 'X-Trace': 't1' } }));
    await http.request(spec(`${server.origin}/b`, { headers: { 'User-Agent': 'custom/2' } }));
    await http.request(spec(`${server.origin}/c`, { method: 'PUT', body: new Uint8Array([1, 2, 3]).buffer }));
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/a?x=1', body: 'héllo' });
    expect(seen[0]!.headers).toMatchObject({ 'user-agent': 'wsk-test/1', 'content-length': '6', 'content-type': 'text/plain', 'x-trace': 't1' });
    expect(seen[0]!.headers['accept-encoding']).toBeUndefined();
    expect(seen[1]!.headers['user-agent']).toBe('custom/2');
    expect(seen[1]!.headers['content-length']).toBeUndefined();
    expect(seen[2]!.headers['content-length']).toBe('3');
  });

  it('returns headers in canonical casing, repeated ones joined, and any status as a response', async () => {
    const server = await httpServer((_req, res) => {
      res.writeHead(404, 'Nope', [['x-multi', 'a'], ['x-multi', 'b'], ['content-type', 'text/plain']]);
      res.end('missing');
    });
    const result = await client().request(spec(`${server.origin}/`));
    expect(result).toMatchObject({ status: 404, statusText: '404 Nope', body: 'missing', error: '', errorCode: 1404 });
    expect(result.headers).toMatchObject({ 'X-Multi': 'a, b', 'Content-Type': 'text/plain' });
  });

  it('returns a binary body as an exact ArrayBuffer, and no body for responseType none', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_v, i) => i));
    const server = await httpServer((_req, res) => res.end(bytes));
    const http = client();
    const binary = await http.request(spec(`${server.origin}/`, { responseType: 'binary' }));
    expect(binary.body).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(binary.body as ArrayBuffer).equals(bytes)).toBe(true);
    const none = await http.request(spec(`${server.origin}/`, { responseType: 'none' }));
    expect(none).toMatchObject({ status: 200, body: null });
    expect(none.hops[0]!.bytesReceived).toBeGreaterThan(256);
  });

  it('sends basic credentials from the URL', async () => {
    const { server, seen } = await recordingServer();
    const result = await client().request(spec(`http://user:pa%24s@127.0.0.1:${server.port}/private`));
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:pa$s').toString('base64')}`);
    expect(result.url).toBe(`http://user:pa%24s@127.0.0.1:${server.port}/private`);
    expect(result.hops[0]!.url).toBe(`http://****:****@127.0.0.1:${server.port}/private`);
  });

  it('decodes gzip and deflate bodies, and reports an undecodable one as 1701', async () => {
    const json = JSON.stringify({ items: [1, 2, 3] });
    const server = await httpServer((req, res) => {
      if (req.url === '/gzip') res.writeHead(200, { 'Content-Encoding': 'gzip' }).end(gzipSync(json));
      else if (req.url === '/deflate') res.writeHead(200, { 'Content-Encoding': 'deflate' }).end(deflateSync(json));
      else res.writeHead(200, { 'Content-Encoding': 'gzip' }).end('not gzip at all');
    });
    const http = client();
    expect((await http.request(spec(`${server.origin}/gzip`))).body).toBe(json);
    expect((await http.request(spec(`${server.origin}/deflate`, { headers: { 'Accept-Encoding': 'deflate' } }))).body).toBe(json);
    const broken = await http.request(spec(`${server.origin}/broken`));
    expect(broken).toMatchObject({ status: 0, errorCode: 1701, body: null });
    expect(broken.error).toMatch(/^error decompressing response body \(/);
  });

  it('reaches a name the hosts option maps to 127.0.0.1, sending that name as Host', async () => {
    const { server, seen } = await recordingServer();
    const http = client({}, { hosts: { 'myservice.test': '127.0.0.1' } });
    const result = await http.request(spec(`http://myservice.test:${server.port}/health`));
    expect(result).toMatchObject({ status: 200, url: `http://myservice.test:${server.port}/health`, remoteIp: '127.0.0.1' });
    expect(seen[0]!.headers.host).toBe(`myservice.test:${server.port}`);
  });

  it('keeps the cookies a server sets and sends them back with the request cookies', async () => {
    const { server, seen } = await recordingServer((entry, res) => {
      if (entry.url === '/login') res.setHeader('Set-Cookie', ['session=s1; Path=/; HttpOnly', 'pref=dark; Path=/settings']);
      res.end('ok');
    });
    const http = client();
    const jar = new CookieJar();
    const login = await http.request(spec(`${server.origin}/login`, { jar }));
    expect(login.cookieUpdates).toEqual([[`${server.origin}/login`, ['session=s1; Path=/; HttpOnly', 'pref=dark; Path=/settings']]]);
    expect(login.cookies).toEqual({
      session: [{ name: 'session', value: 's1', domain: '', path: '/', http_only: true, secure: false, max_age: 0, expires: 0 }],
      pref: [{ name: 'pref', value: 'dark', domain: '', path: '/settings', http_only: false, secure: false, max_age: 0, expires: 0 }],
    });
    await http.request(spec(`${server.origin}/items`, { cookies: { extra: '1' }, jar }));
    await http.request(spec(`${server.origin}/settings/theme`, { jar }));
    expect(seen[1]!.headers.cookie).toBe('extra=1; session=s1');
    expect(seen[2]!.headers.cookie).toBe('pref=dark; session=s1');
    expect(jar.cookiesForUrl(`${server.origin}/`)).toEqual({ session: ['s1'] });
  });
});

describe('HttpClient: redirects', () => {
  async function redirectingServer() {
    const seen: Seen[] = [];
    const server = await httpServer(async (req, res) => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: await bodyOf(req) };
      seen.push(entry);
      const [, kind, rest] = /^\/(\w+)(?:\/(.*))?$/.exec(entry.url) ?? [];
      if (kind === 'chain') {
        const left = Number(rest);
        res.writeHead(302, { Location: left > 0 ? `/chain/${left - 1}` : '/final', 'Set-Cookie': `hop${left}=1; Path=/` }).end();
      } else if (kind !== undefined && /^\d{3}$/.test(kind)) res.writeHead(Number(kind), { Location: '/final' }).end();
      else res.end(`final ${entry.method} ${entry.body}`);
    });
    return { server, seen };
  }

  it('follows a chain, storing every hop cookie, and reports each hop', async () => {
    const { server, seen } = await redirectingServer();
    const result = await client().request(spec(`${server.origin}/chain/2`));
    expect(result).toMatchObject({ status: 200, url: `${server.origin}/final`, body: 'final GET ' });
    expect(result.hops.map((h) => [h.method, h.url, h.status])).toEqual([
      ['GET', `${server.origin}/chain/2`, 302],
      ['GET', `${server.origin}/chain/1`, 302],
      ['GET', `${server.origin}/chain/0`, 302],
      ['GET', `${server.origin}/final`, 200],
    ]);
    expect(seen[3]!.headers.cookie).toBe('hop2=1; hop1=1; hop0=1');
    // What the sandbox stores in the script's jar: each hop's lines with the URL that sent them.
    expect(result.cookieUpdates).toEqual([2, 1, 0].map((n) => [`${server.origin}/chain/${n}`, [`hop${n}=1; Path=/`]]));
    expect(seen[1]!.headers.referer).toBe(`${server.origin}/chain/2`);
    expect(server.sockets).toHaveLength(1);
    expect(result.timings).toEqual(result.hops[3]!.timings);
  });

  it('turns a POST into a GET without body on 303, and keeps it on 307', async () => {
    const { server, seen } = await redirectingServer();
    const http = client();
    const post = { method: 'POST', body: 'data=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    const after303 = await http.request(spec(`${server.origin}/303`, post));
    expect(after303.body).toBe('final GET ');
    expect(seen[1]!.headers['content-length']).toBeUndefined();
    expect(seen[1]!.headers['content-type']).toBeUndefined();
    const after307 = await http.request(spec(`${server.origin}/307`, post));
    expect(after307.body).toBe('final POST data=1');
    expect(seen[3]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('stops at the redirect limit and returns the last redirect, as k6 does', async () => {
    const { server } = await redirectingServer();
    const http = client();
    const limited = await http.request(spec(`${server.origin}/chain/5`, { redirects: 2 }));
    expect(limited).toMatchObject({ status: 302, url: `${server.origin}/chain/3`, error: '', errorCode: 0 });
    expect(limited.headers['Location']).toBe('/chain/2');
    expect(limited.hops).toHaveLength(3);
    const none = await http.request(spec(`${server.origin}/301`, { redirects: 0 }));
    expect(none).toMatchObject({ status: 301, url: `${server.origin}/301` });
    expect(none.hops).toHaveLength(1);
  });
});

describe('HttpClient: the HTTP version', () => {
  it('each hop carries the version the server answered with, and none when no answer came', async () => {
    const net = await import('node:net');
    const server = net.createServer((socket) => {
      socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const http = client();
      const answered = await http.request(spec(`http://127.0.0.1:${port}/`));
      expect(answered).toMatchObject({ status: 200, proto: 'HTTP/1.0' });
      expect(answered.hops.map((hop) => hop.proto)).toEqual(['HTTP/1.0']);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const refused = await http.request(spec(`http://127.0.0.1:${port}/`));
      expect(refused.hops.map((hop) => hop.proto)).toEqual(['']);
    } finally {
      server.close();
    }
  });
});
