import { afterEach, describe, expect, it } from 'vitest';
import { client, closeAll, closedPort, httpServer, spec, tcpServer } from './servers.js';

afterEach(closeAll);

/** Answers the first request with a partial response, then ends the connection the given way. */
function cutOffResponse(end: 'reset' | 'close') {
  return tcpServer((socket) =>
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
      setTimeout(() => (end === 'reset' ? socket.resetAndDestroy() : socket.destroy()), 20);
    }),
  );
}

describe('HttpClient: failures are results, never rejections', () => {
  it('connection refused: 1212', async () => {
    const port = await closedPort();
    const result = await client().request(spec(`http://127.0.0.1:${port}/`));
    expect(result).toMatchObject({ status: 0, body: null, error: 'dial: connection refused', errorCode: 1212 });
    expect(result.hops).toHaveLength(1);
    expect(result.hops[0]).toMatchObject({ status: 0, errorCode: 1212, bytesReceived: 0 });
  });

  it('a name that never resolves: a DNS code', async () => {
    // .invalid never resolves (RFC 6761); without a resolver at all the error is still a DNS one.
    const result = await client().request(spec('http://no-such-host.invalid/'));
    expect([1100, 1101]).toContain(result.errorCode);
    expect(result.error).toMatch(/^lookup/);
    expect(result.status).toBe(0);
  });

  it('no answer within the timeout: 1050, after about the timeout', async () => {
    const server = await tcpServer(() => {});
    const started = performance.now();
    const result = await client().request(spec(`${server.origin}/`, { timeoutMs: 200 }));
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ status: 0, error: 'request timeout', errorCode: 1050 });
    expect(elapsed).toBeGreaterThanOrEqual(195);
    expect(elapsed).toBeLessThan(2_000);
    expect(result.timings.waiting).toBeGreaterThanOrEqual(150);
  });

  it('the timeout covers a whole redirect chain', async () => {
    const server = await httpServer((req, res) => setTimeout(() => res.writeHead(302, { Location: req.url === '/a' ? '/b' : '/a' }).end(), 80));
    const result = await client().request(spec(`${server.origin}/a`, { timeoutMs: 200 }));
    // Hops of 80 ms under a 200 ms limit: two redirects, then the timeout (fewer on a loaded machine).
    const statuses = result.hops.map((h) => h.status);
    expect(result.errorCode).toBe(1050);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses).toEqual([...statuses.slice(0, -1).map(() => 302), 0]);
    expect(result.url).toBe(result.hops.at(-1)!.url);
  });

  it('a reset mid-response: 1220', async () => {
    const server = await cutOffResponse('reset');
    const result = await client().request(spec(`${server.origin}/`));
    expect(result).toMatchObject({ status: 0, body: null, error: 'read: connection reset by peer', errorCode: 1220 });
    expect(result.timings.waiting).toBeGreaterThan(0);
  });

  it('a connection closed mid-response: 1000 unexpected EOF', async () => {
    const server = await cutOffResponse('close');
    const result = await client().request(spec(`${server.origin}/`));
    expect(result).toMatchObject({ status: 0, error: 'unexpected EOF', errorCode: 1000 });
  });

  it('a connection closed before any response: 1000 EOF', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.destroy()));
    const result = await client().request(spec(`${server.origin}/`, { method: 'POST', body: 'x' }));
    expect(result).toMatchObject({ status: 0, error: 'EOF', errorCode: 1000 });
  });

  it('a malformed response: 1000', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.end('garbage\r\n\r\n')));
    const result = await client().request(spec(`${server.origin}/`));
    expect(result.status).toBe(0);
    expect(result.errorCode).toBe(1000);
    expect(result.error).toMatch(/^malformed HTTP response \(Parse Error/);
  });

  it('https to a server that does not speak TLS: 1301', async () => {
    const server = await tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const result = await client().request(spec(`https://127.0.0.1:${server.port}/`));
    expect(result).toMatchObject({ status: 0, error: 'tls: first record does not look like a TLS handshake', errorCode: 1301 });
  });

  it('a self-signed certificate: 1310, unless insecureSkipTLSVerify', async () => {
    const server = await httpServer((_req, res) => res.end('secure'), { secure: true });
    const strict = await client().request(spec(`${server.origin}/`));
    expect(strict).toMatchObject({ status: 0, error: 'x509: unknown authority', errorCode: 1310 });

    const lax = client({}, { insecureSkipTLSVerify: true });
    const first = await lax.request(spec(`${server.origin}/`));
    const second = await lax.request(spec(`${server.origin}/`));
    expect(first).toMatchObject({ status: 200, body: 'secure', errorCode: 0 });
    expect(first.timings.connecting).toBeGreaterThan(0);
    expect(first.timings.tls_handshaking).toBeGreaterThan(0);
    expect(second.timings.connecting).toBe(0);
    expect(second.timings.tls_handshaking).toBe(0);
  });

  it('an invalid URL never reaches the wire: 1020 and no hop', async () => {
    const http = client();
    expect(await http.request(spec('not a url'))).toMatchObject({ status: 0, errorCode: 1020, error: 'invalid URL: "not a url"', hops: [] });
    const ftp = await http.request(spec('ftp://example.com/file'));
    expect(ftp).toMatchObject({ errorCode: 1020, hops: [] });
    expect(ftp.error).toBe('invalid URL: unsupported protocol scheme "ftp" in "ftp://example.com/file"; use http:// or https://');
  });

  it('a header Node refuses: 1000 with its message', async () => {
    const server = await httpServer((_req, res) => res.end('ok'));
    const result = await client().request(spec(`${server.origin}/`, { headers: { 'X-Bad': 'line\nbreak' } }));
    expect(result.status).toBe(0);
    expect(result.errorCode).toBe(1000);
    expect(result.error).toMatch(/X-Bad/);
  });
});
