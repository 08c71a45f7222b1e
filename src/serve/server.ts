/**
 * Runs a built-in target: one HTTP server on HOST:PORT that upgrades any path to WebSocket and answers
 * the HTTP API of http-api.ts (login, items, health, ...). An upgrade presenting a token the target did
 * not issue is refused with 401. The only module that touches `ws`; handlers see a small `Connection`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { realClock } from '../clock.js';
import { configError, quote } from '../errors.js';
import { chatHandler } from './chat.js';
import { echoHandler } from './echo.js';
import { createHttpApi } from './http-api.js';
import { resolveTargetOptions, type ResolvedTargetOptions } from './options.js';
import { connectionRandom } from './random.js';
import { TARGET_KINDS, type Connection, type RunningTarget, type TargetHandler, type TargetKind, type TargetOptions } from './types.js';
import { voiceHandler } from './voice.js';

const HANDLERS = {
  echo: () => echoHandler,
  chat: (options) => chatHandler(options.chat),
  voice: (options) => voiceHandler(options.voice),
} satisfies Record<TargetKind, (options: ResolvedTargetOptions) => TargetHandler>;

export async function startTarget(kind: TargetKind, options: TargetOptions = {}): Promise<RunningTarget> {
  if (!TARGET_KINDS.includes(kind)) {
    throw configError('INVALID_CLI', `wsk serve: unknown target ${quote(kind)}; expected one of ${TARGET_KINDS.join(', ')}`);
  }
  const resolved = resolveTargetOptions(options);
  const handler = HANDLERS[kind](resolved);
  const clock = realClock();
  const open = new Map<WebSocket, AbortController>();
  let accepted = 0;

  const api = createHttpApi(clock);
  const http = createServer(api.answer);
  // Offers permessage-deflate so clients can test compression; a client that does not ask gets none.
  // verifyClient with one parameter: returning false makes `ws` answer the upgrade with 401.
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: true,
    verifyClient: (info: { req: IncomingMessage }) => api.acceptsUpgrade(info.req),
  });
  wss.on('connection', (socket) => {
    const abort = new AbortController();
    open.set(socket, abort);
    const connection: Connection = {
      send(data, isBinary) {
        if (socket.readyState === WebSocket.OPEN) socket.send(data, { binary: isBinary });
      },
      signal: abort.signal,
      random: connectionRandom(resolved.seed, accepted++),
      clock,
    };
    const { onMessage } = handler(connection);
    socket.binaryType = 'nodebuffer';
    socket.on('message', (data, isBinary) => onMessage(data as Buffer, isBinary));
    socket.on('close', () => {
      abort.abort();
      open.delete(socket);
    });
    // A client that breaks the protocol gets its socket closed by `ws`; the target carries on for the others.
    socket.on('error', () => {});
  });

  await listen(http, wss, resolved);
  const address = http.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    kind,
    url: `ws://${host}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const [socket, abort] of open) {
          abort.abort();
          socket.terminate();
        }
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      });
      return closing;
    },
  };
}

function listen(http: ReturnType<typeof createServer>, wss: WebSocketServer, options: ResolvedTargetOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    // `ws` re-emits the HTTP server's errors (EADDRINUSE, EACCES, ...) on the WebSocketServer.
    const fail = (error: Error): void => {
      wss.close();
      reject(configError('IO', `wsk serve: cannot listen on ${options.host}:${options.port}: ${error.message}`));
    };
    wss.once('error', fail);
    http.listen(options.port, options.host, () => {
      wss.off('error', fail);
      resolve();
    });
  });
}
