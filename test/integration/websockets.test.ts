import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { runScript } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number> }> };
const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;

/** How each session the target saw ended: the code of the client's close frame (1006: none came), and when. */
interface Session {
  readonly path: string;
  readonly openedAt: number;
  closedAt: number;
  code: number;
}

/**
 * A target on 127.0.0.1. `/` echoes; `/late` sends "late" 400 ms after the upgrade; `/close/CODE`
 * closes with CODE and "server says bye" once the client has sent anything.
 */
let server: WebSocketServer;
let url = '';
const sessions: Session[] = [];
beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket: WebSocket, request) => {
    const at = request.url ?? '/';
    const session: Session = { path: at, openedAt: performance.now(), closedAt: 0, code: 0 };
    sessions.push(session);
    socket.on('close', (code) => {
      session.closedAt = performance.now();
      session.code = code;
    });
    if (at === '/late') setTimeout(() => socket.send('late'), 400);
    const closing = /^\/close\/(\d+)$/.exec(at);
    socket.on('message', (data, binary) => {
      if (closing !== null) socket.close(Number(closing[1]), 'server says bye');
      else socket.send(data, { binary });
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs a k6 script with the target's URL in __ENV.TARGET and a summary export. */
function run(source: string, extra: readonly string[] = []): ReturnType<typeof runScript> {
  return runScript(source, ['--summary-export', 'summary.json', '-e', `TARGET=${url}`, ...extra], 'script.js');
}

describe('k6/websockets against a real server', () => {
  it('echoes text and binary (Blob by default, ArrayBuffer when asked) to several listeners, with readyState as k6 has it', async () => {
    const { code, stderr, dir } = await run(`
      import { WebSocket, Blob } from 'k6/websockets';
      import { check } from 'k6';
      export const options = { vus: 2, iterations: 4, summaryTrendStats: ['max', 'count'] };
      export default function () {
        const ws = new WebSocket(__ENV.TARGET + '/');
        check(ws, {
          'connecting at first': (w) => w.readyState === WebSocket.CONNECTING && w.readyState === w.CONNECTING && w.readyState === 0,
          'url as given': (w) => w.url === __ENV.TARGET + '/',
          'blob by default': (w) => w.binaryType === 'blob',
        });
        const seen = [];
        let binaries = 0;
        ws.onopen = () => {
          check(ws, { 'open in onopen': (w) => w.readyState === WebSocket.OPEN });
          ws.send('hello');
        };
        ws.onmessage = (e) => seen.push('on:' + (typeof e.data === 'string' ? e.data : 'bytes'));
        ws.addEventListener('message', async (e) => {
          if (e.data === 'hello') {
            check(e, { 'message event': (m) => m.type === 'message' && m.target === ws && m.origin === ws.url && m.timestamp > 0 });
            ws.send(new Uint8Array([104, 105]));
            return;
          }
          binaries++;
          if (binaries === 1) {
            check(e.data, { 'a Blob': (d) => d instanceof Blob && d.size === 2 });
            check(await e.data.text(), { 'its text': (t) => t === 'hi' });
            ws.binaryType = 'arraybuffer';
            ws.send(new Blob(['h', new Uint8Array([105])]));
            return;
          }
          check(e.data, { 'an ArrayBuffer': (d) => d instanceof ArrayBuffer && new Uint8Array(d).join() === '104,105' });
          ws.close();
        });
        ws.addEventListener('message', () => seen.push('second'));
        ws.addEventListener('close', (e) => {
          check(e, { 'closed normally': (c) => c.code === 1000 && ws.readyState === WebSocket.CLOSED });
          check(seen, { 'every listener, onmessage first': (s) => s.join() === 'on:hello,second,on:bytes,second,on:bytes,second' });
        });
      }`);
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    expect(metrics['checks']!.values['fails']).toBe(0);
    expect(metrics['checks']!.values['passes']).toBe(4 * 10);
    expect(metrics['ws_sessions']!.values['count']).toBe(4);
    expect(metrics['ws_msgs_sent']!.values['count']).toBe(12);
    expect(metrics['ws_msgs_received']!.values['count']).toBe(12);
    expect(metrics['ws_session_duration']!.values['count']).toBe(4);
  });

  it('records the same metrics, with the same tags, as the same exchange through k6/ws', async () => {
    const exchange = (module: string, body: string): string => `
      import ${module};
      export const options = {
        iterations: 3,
        summaryTrendStats: ['max', 'count'],
        thresholds: { 'ws_sessions{kind:mine}': ['count==3'], 'ws_msgs_received{name:target}': ['count==6'], 'ws_connecting{kind:mine}': ['max<5000'] },
      };
      export default function () { ${body} }`;
    const modern = await run(
      exchange(
        "{ WebSocket } from 'k6/websockets'",
        `const ws = new WebSocket(__ENV.TARGET, null, { tags: { kind: 'mine', name: 'target' } });
         let n = 0;
         ws.onopen = () => { ws.send('a'); ws.send('b'); };
         ws.onmessage = () => { if (++n === 2) ws.close(); };`,
      ),
    );
    const legacy = await run(
      exchange(
        "ws from 'k6/ws'",
        `let n = 0;
         ws.connect(__ENV.TARGET, { tags: { kind: 'mine', name: 'target' } }, (socket) => {
           socket.on('open', () => { socket.send('a'); socket.send('b'); });
           socket.on('message', () => { if (++n === 2) socket.close(); });
         });`,
      ),
    );
    for (const result of [modern, legacy]) {
      expect(result.stderr).not.toContain('ERROR');
      expect(result.code).toBe(0);
    }
    const [a, b] = [summaryOf(modern.dir).metrics, summaryOf(legacy.dir).metrics];
    for (const [metric, stat] of [
      ['ws_sessions', 'count'],
      ['ws_sessions{kind:mine}', 'count'],
      ['ws_msgs_sent', 'count'],
      ['ws_msgs_received', 'count'],
      ['ws_msgs_received{name:target}', 'count'],
      ['ws_session_duration', 'count'],
      ['ws_connecting', 'count'],
      ['ws_connection_failed', 'rate'],
    ] as const) {
      expect(a[metric]?.values[stat], metric).toBeDefined();
      expect(a[metric]!.values[stat], metric).toBe(b[metric]!.values[stat]);
    }
    expect(a['ws_msgs_sent']!.values['count']).toBe(6);
  });

  it('does not end the iteration while a WebSocket it opened is open', async () => {
    const { code, stderr, dir } = await run(`
      import { WebSocket } from 'k6/websockets';
      export const options = { iterations: 2 };
      export default function () {
        const ws = new WebSocket(__ENV.TARGET + '/late');
        ws.onmessage = (e) => {
          console.log('got ' + e.data);
          ws.close();
        };
        console.log('the function returned');
      }`);
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(stderr.indexOf('the function returned')).toBeLessThan(stderr.indexOf('got late'));
    const { metrics } = summaryOf(dir);
    expect(metrics['iterations']!.values['count']).toBe(2);
    // The target sends 400 ms after the upgrade; the iteration lasts at least that long.
    expect(metrics['iteration_duration']!.values['min']).toBeGreaterThanOrEqual(400);
  });

  it('closing with a code: k6 follows a close other than 1000 or 1001 with an error event; a bad code throws', async () => {
    const { code, stderr } = await run(`
      import { WebSocket } from 'k6/websockets';
      export const options = { iterations: 1 };
      const log = (ws, tag) => {
        ws.onerror = (e) => console.log(tag + ' error: ' + e.error);
        ws.onclose = (e) => console.log(tag + ' close: ' + e.code + ' ' + e.reason);
      };
      export default function () {
        const mine = new WebSocket(__ENV.TARGET);
        log(mine, 'mine');
        mine.onopen = () => {
          try { mine.close(1001); } catch (e) { console.log(e.name + ': ' + e.message); }
          mine.close(4000, 'done');
        };
        const polite = new WebSocket(__ENV.TARGET + '/close/1000');
        log(polite, 'polite');
        polite.onopen = () => polite.send('go');
        const rude = new WebSocket(__ENV.TARGET + '/close/4001');
        log(rude, 'rude');
        rude.onopen = () => rude.send('go');
      }`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/InvalidAccessError: close\(\): the code must be 1000 or from 3000 to 4999, got a number \(1001\)/);
    expect(stderr).toMatch(/mine error: the connection closed with code 4000: done[\s\S]*mine close: 4000 done/);
    expect(stderr).toContain('polite close: 1000 server says bye');
    expect(stderr).not.toContain('polite error');
    expect(stderr).toMatch(/rude error: the connection closed with code 4001: server says bye[\s\S]*rude close: 4001 server says bye/);
    expect(stderr).not.toContain('ERROR');
  });

  it('a refused connection is an error event then a close event, counted as ws_errors{error:refused}, and the iteration goes on', async () => {
    const { code, stderr, dir } = await run(`
      import { WebSocket } from 'k6/websockets';
      export const options = { iterations: 1 };
      export default function () {
        const ws = new WebSocket('ws://127.0.0.1:9/');
        ws.addEventListener('error', (e) => console.log('error event, readyState ' + ws.readyState + ': ' + e.error));
        ws.addEventListener('close', (e) => console.log('close event ' + e.code));
      }`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/error event, readyState 3: new WebSocket\(ws:\/\/127\.0\.0\.1:9\/\): refused[\s\S]*close event 1006/);
    expect(stderr).not.toContain('ERROR');
    const { metrics } = summaryOf(dir);
    expect(metrics['ws_connection_failed']!.values['rate']).toBe(1);
    expect(metrics['ws_errors{error:refused}']!.values['count']).toBe(1);
    expect(metrics['iterations']!.values['count']).toBe(1);
  });

  it('a handler that throws fails the iteration at its line, after the WebSocket closed and its error and close handlers ran', async () => {
    const { code, stderr, dir } = await run(`
      import { WebSocket } from 'k6/websockets';
      export const options = { iterations: 2, summaryTrendStats: ['max', 'count'] };
      export default function () {
        const ws = new WebSocket(__ENV.TARGET);
        ws.onopen = () => ws.send('x');
        ws.onmessage = () => {
          throw new Error('no good');
        };
        ws.onerror = (e) => console.log('error handler: ' + e.error);
        ws.onclose = (e) => console.log('close handler: ' + e.code + ', readyState ' + ws.readyState);
      }`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] Error: no good at script\.js:8:\d+/);
    expect(stderr).toContain('error handler: no good');
    expect(stderr).toContain('close handler: 1006, readyState 3');
    const { metrics } = summaryOf(dir);
    expect(metrics['iterations']!.values['count']).toBe(2);
    expect(metrics['ws_sessions']!.values['count']).toBe(2);
    expect(metrics['ws_session_duration']!.values['count']).toBe(2);
  });

  it("the end of a scenario's gracefulStop interrupts an iteration waiting on a WebSocket and closes it; its handlers hear no more", async () => {
    const before = sessions.length;
    const { code, stderr, dir } = await run(`
      import { WebSocket } from 'k6/websockets';
      export const options = {
        scenarios: {
          stuck: { executor: 'constant-vus', vus: 1, duration: '500ms', gracefulStop: '300ms', exec: 'stuck' },
          later: { executor: 'per-vu-iterations', vus: 1, iterations: 1, startTime: '3s', exec: 'later' },
        },
      };
      export function stuck() {
        const ws = new WebSocket(__ENV.TARGET + '/stuck');
        ws.onopen = () => console.log('stuck open');
        ws.onclose = () => console.log('stuck closed');
      }
      export function later() {}
      `);
    expect(code).toBe(0);
    expect(stderr).toContain('stuck open');
    expect(stderr).not.toContain('stuck closed');
    const stuck = sessions.slice(before).filter((s) => s.path === '/stuck');
    expect(stuck).toHaveLength(1);
    // Closed with a close frame when the iteration was interrupted (about 800 ms in), well before the
    // run ended (after 3 s), when a socket still open would have been cut without one.
    expect(stuck[0]!.code).toBe(1000);
    expect(stuck[0]!.closedAt - stuck[0]!.openedAt).toBeLessThan(2500);
    const { metrics } = summaryOf(dir);
    expect(metrics['ws_session_duration']!.values['max']).toBeLessThan(2500);
  });

  it('names the bad value of a wrong use in one line', async () => {
    const { code, stderr } = await run(`
      import { WebSocket } from 'k6/websockets';
      export const options = { iterations: 1 };
      const attempt = (what) => { try { what(); } catch (e) { console.log('caught ' + e.name + ': ' + e.message); } };
      export default function () {
        attempt(() => new WebSocket('http://127.0.0.1/'));
        attempt(() => new WebSocket(__ENV.TARGET, null, { timeout: 5 }));
        attempt(() => new WebSocket(__ENV.TARGET, null, { compression: 'gzip' }));
        const ws = new WebSocket(__ENV.TARGET);
        attempt(() => ws.send('too early'));
        attempt(() => { ws.binaryType = 'text'; });
        attempt(() => { ws.onmessage = 'nope'; });
        ws.onopen = () => {
          attempt(() => ws.send(42));
          ws.close();
        };
      }`);
    expect(code).toBe(0);
    expect(stderr).toContain('caught SyntaxError: new WebSocket(): the url must start with ws:// or wss://, got a string ("http://127.0.0.1/")');
    expect(stderr).toContain('caught TypeError: new WebSocket(): unknown param "timeout"; params may have headers, tags, jar, compression');
    expect(stderr).toContain('caught TypeError: new WebSocket(): params.compression must be "deflate", got a string ("gzip")');
    expect(stderr).toMatch(/caught InvalidStateError: send\(\): the WebSocket to ws:\/\/127\.0\.0\.1:\d+ is CONNECTING; call it from onopen or later/);
    expect(stderr).toContain('caught TypeError: binaryType must be "blob" or "arraybuffer", got a string ("text")');
    expect(stderr).toContain('caught TypeError: onmessage must be a function or null, got a string ("nope")');
    expect(stderr).toContain('caught TypeError: send(): cannot send a number (42); send a string, an ArrayBuffer, a typed array, a DataView or a Blob');
  });

  it('refuses a WebSocket in init code with the way out', async () => {
    const { code, stderr } = await run(`
      import { WebSocket } from 'k6/websockets';
      const ws = new WebSocket(__ENV.TARGET);
      export default function () {}`);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/new WebSocket\(\): not available in init code \(the top level of the script\); create it in the default function or another exported function at script\.js:3:\d+/);
  });
});
