/**
 * Servers the HTTP client tests talk to: real ones, on 127.0.0.1 port 0, counting the connections
 * they accept. Each test closes what it started.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { CookieJar, HttpClient, type HttpClientOptions, type HttpRequestSpec } from '../../../../src/protocols/http/client/client.js';
import { DEFAULT_NETWORK, type NetworkOptions } from '../../../../src/options/network.js';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from './self-signed.js';

export interface TestServer {
  readonly port: number;
  /** http://127.0.0.1:port (https:// for a TLS server). */
  readonly origin: string;
  /** Every connection accepted so far. */
  readonly sockets: Socket[];
  close(): Promise<void>;
}

const open: TestServer[] = [];
const clients: HttpClient[] = [];

/** Closes the servers and clients the test started; call it in afterEach. */
export async function closeAll(): Promise<void> {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(open.splice(0).map((server) => server.close()));
}

export function httpServer(handler: RequestListener, options: { secure?: boolean } = {}): Promise<TestServer> {
  const server = options.secure === true ? createSecureServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, handler) : createServer(handler);
  return serve(server, options.secure === true ? 'https' : 'http');
}

/** A raw TCP server, for targets that do not speak HTTP properly. */
export function tcpServer(onConnection: (socket: Socket) => void): Promise<TestServer> {
  return serve(createTcpServer(onConnection), 'http');
}

/** A port nobody listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = await tcpServer(() => {});
  await server.close();
  open.splice(open.indexOf(server), 1);
  return server.port;
}

async function serve(server: Server | TcpServer, scheme: string): Promise<TestServer> {
  const sockets: Socket[] = [];
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const testServer: TestServer = {
    port,
    origin: `${scheme}://127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  open.push(testServer);
  return testServer;
}

export function client(options: Partial<HttpClientOptions> = {}, network: Partial<NetworkOptions> = {}): HttpClient {
  const made = new HttpClient(
    { ...DEFAULT_NETWORK, ...network },
    { noConnectionReuse: false, userAgent: 'wsk-test/1', maxSocketsPerHost: 6, ...options },
  );
  clients.push(made);
  return made;
}

export function spec(url: string, fields: Partial<HttpRequestSpec> = {}): HttpRequestSpec {
  return { method: 'GET', url, headers: {}, body: null, timeoutMs: 10_000, redirects: 10, responseType: 'text', cookies: {}, jar: new CookieJar(), ...fields };
}

/** Reads a request body the server received. */
export function bodyOf(request: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
  });
}
