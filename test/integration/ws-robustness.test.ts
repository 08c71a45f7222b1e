/**
 * wsk/ws against targets that misbehave: each failure is counted in ws_errors with the right tags,
 * the VU goes on with its next iteration, the run ends normally and writes its summary. The targets
 * are raw TCP servers on 127.0.0.1 port 0 that speak just enough of the protocol to misbehave.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import net, { type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { runScript } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number> }> };

interface Target {
  readonly url: string;
  close(): Promise<void>;
}

const targets: Target[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((target) => target.close()));
});

/** A TCP server on 127.0.0.1 that hands every connection to `serve`; closing it drops them all. */
async function target(serve: (socket: Socket) => void): Promise<Target> {
  const connections = new Set<Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => {});
    serve(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const started: Target = {
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
  targets.push(started);
  return started;
}

/** Reads the upgrade request's head, then calls `answer` with it (and any bytes after it). */
function onRequestHead(socket: Socket, answer: (head: string) => void): void {
  let received = '';
  const read = (chunk: Buffer): void => {
    received += chunk.toString('latin1');
    const end = received.indexOf('\r\n\r\n');
    if (end < 0) return;
    socket.off('data', read);
    answer(received.slice(0, end));
  };
  socket.on('data', read);
}

/** Completes the WebSocket handshake (RFC 6455 §4.2.2), then hands the socket to `then`. */
function handshake(then: (socket: Socket) => void): (socket: Socket) => void {
  return (socket) =>
    onRequestHead(socket, (head) => {
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      then(socket);
    });
}

/** Answers the upgrade request with a plain HTTP status. */
function httpStatus(status: number): (socket: Socket) => void {
  return (socket) => onRequestHead(socket, () => socket.end(`HTTP/1.1 ${status} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
}

/** Runs `script` against `url` and checks what every case must hold: exit 0, files written, no leaked rejection. */
async function runAgainst(url: string, script: string): Promise<{ metrics: Summary['metrics']; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const { code, stdout, stderr, dir } = await runScript(script, ['--summary-export', 'summary.json', '-e', `TARGET=${url}`]);
  const ms = Date.now() - started;
  expect(stderr).not.toMatch(/internal error|unhandled/i);
  expect(code).toBe(0);
  const file = path.join(dir, 'summary.json');
  expect(existsSync(file)).toBe(true);
  const { metrics } = JSON.parse(readFileSync(file, 'utf8')) as Summary;
  return { metrics, stdout, stderr, ms };
}

/** Options that put the ws_errors submetrics of `tagSets` in the summary export (thresholds that always pass). */
function options(body: string, tagSets: readonly string[]): string {
  const thresholds = tagSets.map((tags) => `'ws_errors{${tags}}': ['count>=0']`).join(', ');
  return `export const options = { ${body}, thresholds: { ${thresholds} } };`;
}

const count = (metrics: Summary['metrics'], key: string): number | undefined => metrics[key]?.values['count'];
const occurrences = (text: string, needle: string): number => text.split(needle).length - 1;

/** Opens the target three times; logs how open() failed, so the VU goes on. */
const openThreeTimes = (params: string, tagSets: readonly string[]): string => `
  import { open } from 'wsk/ws';
  ${options('iterations: 3', tagSets)}
  export default async function () {
    try {
      await open(__ENV.TARGET${params});
      console.log('opened');
    } catch (error) {
      console.log('caught: ' + (error as Error).message);
    }
  }`;

/** Opens, says hello, and waits for the target to end the session. */
const waitForTheEnd = (tagSets: readonly string[]): string => `
  import { open } from 'wsk/ws';
  ${options('iterations: 3', tagSets)}
  export default async function () {
    const s = await open(__ENV.TARGET);
    s.on('error', (error) => console.log('error event: ' + error.message));
    s.send('hello');
    const closed = await s.closed;
    console.log('closed with ' + closed.code);
  }`;

describe('wsk/ws against misbehaving targets', () => {
  it('counts a refused connection as refused and a failed connection', async () => {
    const gone = await target(() => {});
    await gone.close();
    const { metrics, stderr } = await runAgainst(gone.url, openThreeTimes('', ['error:refused']));
    expect(occurrences(stderr, `caught: ws.open(${gone.url}): refused`)).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(metrics['ws_connection_failed']?.values['rate']).toBe(1);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, 'ws_errors{error:refused}')).toBe(3);
  });

  it.each([403, 500])('counts an upgrade answered with HTTP %i as handshake_status with the status', async (status) => {
    const { url } = await target(httpStatus(status));
    const { metrics, stderr } = await runAgainst(url, openThreeTimes('', [`error:handshake_status,status:${status}`]));
    expect(occurrences(stderr, `caught: ws.open(${url}): handshake_status: handshake answered with HTTP ${status}`)).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(metrics['ws_connection_failed']?.values['rate']).toBe(1);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, `ws_errors{error:handshake_status,status:${status}}`)).toBe(3);
  });

  it('counts an upgrade never answered as a timeout after the open() timeout', async () => {
    const { url } = await target((socket) => socket.resume());
    const { metrics, stderr, ms } = await runAgainst(url, openThreeTimes(', { timeout: 300 }', ['error:timeout']));
    expect(occurrences(stderr, `caught: ws.open(${url}): timeout`)).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(metrics['ws_connection_failed']?.values['rate']).toBe(1);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, 'ws_errors{error:timeout}')).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(900);
  });

  // A session is counted once, by its cause: the reset, not also the close 1006 that follows it.
  it('counts a TCP reset mid-session once, as reset; closed resolves with 1006', async () => {
    const { url } = await target(handshake((socket) => socket.once('data', () => socket.resetAndDestroy())));
    const { metrics, stderr } = await runAgainst(url, waitForTheEnd(['error:reset']));
    expect(occurrences(stderr, 'error event: read ECONNRESET')).toBe(3);
    expect(occurrences(stderr, 'closed with 1006')).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(count(metrics, 'ws_sessions')).toBe(3);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, 'ws_errors{error:reset}')).toBe(3);
  });

  it('counts a connection dropped without a close frame as closed_abnormally with close code 1006', async () => {
    const { url } = await target(handshake((socket) => socket.once('data', () => socket.end())));
    const { metrics, stderr } = await runAgainst(url, waitForTheEnd(['error:closed_abnormally,close_code:1006']));
    expect(occurrences(stderr, 'closed with 1006')).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, 'ws_errors{error:closed_abnormally,close_code:1006}')).toBe(3);
  });

  it('counts an invalid frame (reserved opcode 0xF) once, as protocol', async () => {
    const { url } = await target(handshake((socket) => socket.once('data', () => socket.write(Buffer.from([0x8f, 0x00])))));
    const { metrics, stderr } = await runAgainst(url, waitForTheEnd(['error:protocol']));
    expect(occurrences(stderr, 'error event: Invalid WebSocket frame: invalid opcode 15')).toBe(3);
    // The client answers with close 1002; the target never sends a close frame back.
    expect(occurrences(stderr, 'closed with 1006')).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, 'ws_errors{error:protocol}')).toBe(3);
  });

  it('counts a close with 1011 as closed_abnormally with close code 1011', async () => {
    // A close frame from the server: FIN + opcode 8, 2 payload bytes, status 1011 (0x03f3).
    const { url } = await target(handshake((socket) => socket.once('data', () => socket.write(Buffer.from([0x88, 0x02, 0x03, 0xf3])))));
    const { metrics, stderr } = await runAgainst(url, waitForTheEnd(['error:closed_abnormally,close_code:1011']));
    expect(occurrences(stderr, 'closed with 1011')).toBe(3);
    expect(stderr).not.toContain('error event');
    expect(count(metrics, 'iterations')).toBe(3);
    expect(count(metrics, 'ws_errors')).toBe(3);
    expect(count(metrics, 'ws_errors{error:closed_abnormally,close_code:1011}')).toBe(3);
  });

  it('rejects a stream() cut short by a reset, and the VU goes on', async () => {
    // Lets about 10 frames of 20 ms through, then resets.
    const { url } = await target(handshake((socket) => setTimeout(() => socket.resetAndDestroy(), 200)));
    const { metrics, stderr } = await runAgainst(
      url,
      `import { open } from 'wsk/ws';
       ${options('iterations: 3', ['error:reset'])}
       export default async function () {
         const s = await open(__ENV.TARGET);
         try {
           await s.stream(new Uint8Array(640 * 100), { frameBytes: 640, intervalMs: 20 });
           console.log('stream finished');
         } catch (error) {
           console.log('stream: ' + (error as Error).message);
         }
         console.log('closed with ' + (await s.closed).code);
       }`,
    );
    expect(occurrences(stderr, 'stream: stream(): the socket closed with code 1006 before the last frame')).toBe(3);
    expect(occurrences(stderr, 'closed with 1006')).toBe(3);
    expect(count(metrics, 'iterations')).toBe(3);
    expect(count(metrics, 'ws_errors{error:reset}')).toBe(3);
    expect(count(metrics, 'ws_msgs_sent')).toBeLessThan(3 * 100);
  });

  it('finishes on time against a target that stops reading, with VUs stuck on a full socket stopped at gracefulStop', async () => {
    const { url } = await target(handshake((socket) => socket.pause()));
    const { metrics, stdout, stderr, ms } = await runAgainst(
      url,
      `import { sleep } from 'wsk';
       import { open } from 'wsk/ws';
       export const options = {
         scenarios: {
           flood: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '1s', exec: 'flood' },
           stuck: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '1s', exec: 'stuck' },
         },
       };
       const chunk = new Uint8Array(64 * 1024);
       async function send(ms: number) {
         const s = await open(__ENV.TARGET);
         const until = Date.now() + ms;
         while (Date.now() < until) {
           s.send(chunk);
           await sleep(0.002);
         }
         return s;
       }
       // Sends for 400 ms, then leaves the close handshake to the host and goes on.
       export async function flood() {
         (await send(400)).close();
       }
       // Waits for a close the target never reads: only the end of the scenario stops it.
       export async function stuck() {
         const s = await send(400);
         s.close();
         await s.closed;
         console.log('the stuck close ended');
       }`,
    );
    // About 1 s of scenario and 1 s of gracefulStop; a hang would wait for ws's 30 s close timeout.
    expect(ms).toBeLessThan(8000);
    expect(stderr).not.toContain('the stuck close ended');
    expect(stdout).toContain('ws_msgs_sent');
    expect(count(metrics, 'iterations')).toBeGreaterThanOrEqual(4);
    expect(count(metrics, 'ws_msgs_sent')).toBeGreaterThan(200);
    expect(count(metrics, 'ws_sessions')).toBeGreaterThanOrEqual(5);
  });
});
