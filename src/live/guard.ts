/**
 * The door of the live outputs' HTTP servers. Every request is answered or refused here, and
 * nothing a client sends can throw out of a server: a throw there is uncaught and ends the run.
 *
 *   400  bytes Node cannot parse as a request ('clientError'), a request target that is not
 *        origin-form, or more than one Host header
 *   403  a Host header that is not this server's address (below), or none
 *   500  a route that threw (the run's snapshot, say); the body is the error's message
 *
 * The Host check defends against DNS rebinding: a page on evil.example that has its name
 * re-resolve to 127.0.0.1 can read the server as its own origin, but its requests still say
 * `Host: evil.example:<port>`. So a Host is accepted only with this server's port and a name no
 * one else can point here: an IP address, `localhost`, or the host the server was told to bind.
 * A name such as the machine's DNS name is refused unless the server was bound to that name.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { Duplex } from 'node:stream';

/** Answers one request that passed the door; `path` is the target without its query. */
export type Route = (request: IncomingMessage, response: ServerResponse, path: string) => void;

export interface Refusal {
  readonly status: 400 | 403;
  readonly reason: string;
}

const TEXT = 'text/plain; charset=utf-8';
/** RFC 3986: pchar minus ':' and '@' (which join it below), as a class, or a percent-encoded byte. */
const PCHARS = "A-Za-z0-9\\-._~!$&'()*+,;=";
const PCT = '%[0-9A-Fa-f]{2}';
/** origin-form (RFC 9112 §3.2.1): absolute-path [ "?" query ]. No fragment, no spaces, ASCII only. */
const ORIGIN_FORM = new RegExp(`^(/(?:[${PCHARS}:@/]|${PCT})*)(?:\\?(?:[${PCHARS}:@/?]|${PCT})*)?$`);
/** uri-host [ ":" port ] (RFC 9110 §7.2); the host is an IP literal in brackets or has no ':'. */
const HOST = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d*))?$/;
const HTTP_PORT = 80;

/**
 * A server whose requests pass the door (host check, target check) before `route`, and whose
 * route errors, unparsable requests and broken sockets are answered rather than thrown.
 * `boundHost` is the host it will listen on, as given ('127.0.0.1', '::', 'myhost').
 */
export function guardedServer(boundHost: string, route: Route): Server {
  // Sockets with a response under way: a parse error on one of them must not write into that response.
  const answering = new WeakSet<Duplex>();
  const server = createServer((request, response) => {
    const socket = request.socket;
    answering.add(socket);
    const done = (): void => void answering.delete(socket);
    response.on('finish', done).on('close', done);
    // Either error means the peer is gone; only this exchange ends.
    request.on('error', () => response.destroy());
    response.on('error', () => response.destroy());

    const refusal = refuseHost(request.headersDistinct['host'], boundHost, socket.localPort);
    if (refusal !== undefined) return sendText(response, refusal.status, refusal.reason);
    const path = requestPath(request.url ?? '');
    if (path === undefined) {
      return sendText(response, 400, `Bad request: the target ${JSON.stringify(request.url)} is not a path ('/', RFC 3986 characters, then an optional query).`);
    }
    try {
      route(request, response, path);
    } catch (error) {
      if (response.headersSent) response.destroy();
      else sendText(response, 500, `Internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable || answering.has(socket)) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = `${STATUS_CODES[status]}: ${error.code ?? error.message}\n`;
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${TEXT}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
    socket.end(head + body, () => socket.destroy());
  });
  return server;
}

/** The path of an origin-form request target ('/metrics?x=1' → '/metrics'); undefined if it is not one. */
export function requestPath(target: string): string | undefined {
  return ORIGIN_FORM.exec(target)?.[1];
}

/**
 * Why a request with these Host headers may not talk to a server bound to `boundHost` on `port`
 * (see the header comment); undefined when it may.
 */
export function refuseHost(values: readonly string[] | undefined, boundHost: string, port: number | undefined): Refusal | undefined {
  const allowed = `use an IP address or localhost with port ${port ?? '?'}`;
  if (values === undefined || values.length === 0) return { status: 403, reason: `Refused: the request has no Host header; ${allowed}.` };
  if (values.length > 1) return { status: 400, reason: `Bad request: ${values.length} Host headers (${values.map((value) => JSON.stringify(value)).join(', ')}); expected one.` };
  const value = values[0]!;
  const match = HOST.exec(value);
  const name = match?.[1]?.toLowerCase() ?? '';
  const hostPort = match?.[2] === undefined || match[2] === '' ? HTTP_PORT : Number(match[2]);
  const own = name === 'localhost' || name === boundHost.toLowerCase() || isIpLiteral(name);
  if (match === null || !own || hostPort !== port) {
    return { status: 403, reason: `Refused: Host ${JSON.stringify(value)} is not this server's address; ${allowed}.` };
  }
  return undefined;
}

function isIpLiteral(name: string): boolean {
  return name.startsWith('[') ? name.endsWith(']') && isIPv6(name.slice(1, -1)) : isIPv4(name);
}

/** One line of text; the line break is added. */
export function sendText(response: ServerResponse, status: number, line: string): void {
  const body = `${line.replace(/[\r\n]+/g, ' ')}\n`;
  response.writeHead(status, { 'content-type': TEXT, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
