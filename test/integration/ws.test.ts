import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { runScript, scriptDir, WSK } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number> }> };

/** The nice value of each thread of process `pid`, by thread id (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The fields after the command's closing parenthesis start with the state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nices.set(Number(tid), Number(fields[19 - 3]));
  }
  return nices;
}
const summaryOf = (dir: string): Summary => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;

/** A target on 127.0.0.1: echoes, except `{ id, reply: n }` gets n JSON parts then `{ id, done: true }` 20 ms apart. */
let server: WebSocketServer;
let url = '';
beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket: WebSocket) => {
    socket.on('message', (data, binary) => {
      if (binary) return socket.send(data, { binary: true });
      const text = data.toString();
      const request = (() => {
        try {
          return JSON.parse(text) as { id?: number; reply?: number; close?: number; burst?: number };
        } catch {
          return {};
        }
      })();
      if (request.close !== undefined) return socket.close(request.close, 'asked to');
      // `burst` binary messages at once, message m's byte i being (m * 7 + i) % 251: 50,000 bytes each,
      // but the tenth 1,100,000 (more than a crossing's inbox holds).
      if (request.burst !== undefined) {
        for (let m = 0; m < request.burst; m++) socket.send(Buffer.from(Array.from({ length: m === 10 ? 1_100_000 : 50_000 }, (_, i) => (m * 7 + i) % 251)));
        return;
      }
      if (request.reply === undefined) return socket.send(text);
      for (let part = 0; part <= request.reply; part++) {
        setTimeout(() => socket.send(JSON.stringify(part < request.reply! ? { id: request.id, part } : { id: request.id, done: true })), 20 * (part + 1));
      }
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('wsk/ws async API against a real server', () => {
  it('opens, sends, receives, correlates requests, pings and closes, with host-side metrics', async () => {
    const { code, stderr, dir } = await runScript(
      `import { check } from 'wsk';
       import { open } from 'wsk/ws';
       export const options = {
         vus: 2, iterations: 6,
         thresholds: { ws_req_failed: ['rate==0'], ws_connection_failed: ['rate==0'] },
         summaryTrendStats: ['min', 'max', 'count'],
       };
       export default async function () {
         const s = await open(__ENV.TARGET, { tags: { name: 'target' } });
         s.send('hello');
         check(await s.receive(), { 'echoed': (m) => m === 'hello' });
         const id = __VU * 1000 + __ITER;
         const replies = await s.request(JSON.stringify({ id, reply: 3 }), {
           match: (m) => typeof m === 'string' && JSON.parse(m).id === id,
           until: (m) => JSON.parse(m as string).done === true,
         });
         check(replies, { 'four replies': (r) => r.length === 4 });
         const rtt = await s.ping();
         check(rtt, { 'pong came back': (ms) => ms >= 0 && ms < 1000 });
         s.close();
         const closed = await s.closed;
         check(closed.code, { 'closed normally': (c) => c === 1000 });
       }`,
      ['--summary-export', 'summary.json', '-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const { metrics } = summaryOf(dir);
    expect(metrics['checks']!.values['fails']).toBe(0);
    expect(metrics['ws_sessions']!.values['count']).toBe(6);
    expect(metrics['ws_msgs_sent']!.values['count']).toBe(12);
    expect(metrics['ws_msgs_received']!.values['count']).toBe(6 * 5);
    expect(metrics['ws_req_ttfr']!.values['min']).toBeGreaterThanOrEqual(15);
    expect(metrics['ws_req_duration']!.values['min']).toBeGreaterThanOrEqual(75);
    expect(metrics['ws_req_duration']!.values['max']).toBeLessThan(1000);
    expect(metrics['ws_ping']!.values['count']).toBe(6);
    expect(metrics['data_sent']!.values['count']).toBeGreaterThan(0);
    expect(metrics['data_received']!.values['count']).toBeGreaterThan(0);
  });

  it('counts a request that times out as failed, without killing the VU', async () => {
    const { code, dir } = await runScript(
      `import { open } from 'wsk/ws';
       export const options = { iterations: 1 };
       export default async function () {
         const s = await open(__ENV.TARGET);
         const replies = await s.request('{"id": 1, "reply": 0}', { match: () => false, timeout: 200 });
         if (replies.length !== 0) throw new Error('expected no replies');
         s.close();
       }`,
      ['--summary-export', 'summary.json', '-e', `TARGET=${url}`],
    );
    expect(code).toBe(0);
    expect(summaryOf(dir).metrics['ws_req_failed']!.values['rate']).toBe(1);
  });

  it('correlates declarative requests on the host while their replies interleave with unrelated messages', async () => {
    const { code, dir, stderr } = await runScript(
      `import { open } from 'wsk/ws';
       import { check } from 'wsk';
       export const options = { vus: 2, iterations: 4, summaryTrendStats: ['min', 'max', 'count'] };
       export default async function () {
         const s = await open(__ENV.TARGET);
         let handled = 0;
         s.on('message', () => { handled++; });
         const a = 'a-' + __VU + '-' + __ITER;
         const first = s.request(JSON.stringify({ id: a, reply: 3 }), { match: { json: 'id', equals: a }, until: { json: 'done', equals: true } });
         const second = s.request(JSON.stringify({ id: 7, reply: 2 }), { match: { json: 'id', equals: 7 }, until: { json: 'done', equals: true } });
         s.send('unrelated');
         s.send(new Uint8Array([1, 2, 3]));
         const [ra, rb] = await Promise.all([first, second]);
         const echo = await s.request('plain'); // the next message is the reply
         const timedOut = await s.request(JSON.stringify({ id: 9, reply: 0 }), { match: { json: 'id', equals: 'nine' }, timeout: 150 });
         let refused = '';
         try { s.request('x', { match: { json: 'id', equal: 1 } as never }); } catch (error) { refused = String(error); }
         check(null, {
           'first: its own parts then done': () => ra.length === 4 && ra.every((m) => JSON.parse(m as string).id === a) && JSON.parse(ra[3] as string).done === true,
           'second: its own parts then done': () => rb.length === 3 && rb.every((m) => JSON.parse(m as string).id === 7),
           'default: the next message': () => echo.length === 1 && echo[0] === 'plain',
           'timeout: resolves with nothing': () => timedOut.length === 0,
           'a bad rule is a TypeError': () => refused.startsWith('TypeError: request(): match has an unknown key "equal"'),
         });
         s.close();
         await s.closed;
         // Replies reach the handlers too: 4 + 3 + 1 + the unrelated echo, binary messages are not 'message'.
         console.log('handled ' + handled);
       }`,
      ['--summary-export', 'summary.json', '-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(stderr.match(/handled (\d+)/g)).toEqual(Array(4).fill('handled 10'));
    const { metrics } = summaryOf(dir);
    expect(metrics['checks']!.values['fails']).toBe(0);
    expect(metrics['ws_req_failed']!.values['passes']).toBe(4);
    expect(metrics['ws_req_ttfr']!.values['count']).toBe(4 * 3);
    expect(metrics['ws_req_duration']!.values['min']).toBeGreaterThan(0);
  });

  it('keeps unrelated messages for receive() while a declarative request waits', async () => {
    const { code, stderr } = await runScript(
      `import { open } from 'wsk/ws';
       export const options = { iterations: 1 };
       export default async function () {
         const s = await open(__ENV.TARGET);
         const pending = s.request(JSON.stringify({ id: 1, reply: 2 }), { match: { json: 'id', equals: 1 }, until: { json: 'done', equals: true } });
         s.send('first');
         s.send('second');
         const replies = await pending;
         console.log('replies ' + replies.length + ', then ' + (await s.receive()) + ' ' + (await s.receive()));
         s.close();
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(code).toBe(0);
    expect(stderr).toContain('replies 3, then first second');
  });

  it('streams paced binary frames and records how late each left', async () => {
    const { code, dir, stderr } = await runScript(
      `import { open } from 'wsk/ws';
       export const options = { vus: 2, iterations: 2, summaryTrendStats: ['p(95)', 'count'] };
       export default async function () {
         const s = await open(__ENV.TARGET);
         let echoed = 0;
         s.on('binaryMessage', (b) => { echoed += b.byteLength; });
         const started = Date.now();
         await s.stream(new Uint8Array(640 * 25), { frameBytes: 640, intervalMs: 20 });
         const took = Date.now() - started;
         if (took < 400 || took > 1500) throw new Error('25 frames 20 ms apart took ' + took + ' ms');
         s.close();
         await s.closed;
         console.log('echoed ' + echoed);
       }`,
      ['--summary-export', 'summary.json', '-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const lag = summaryOf(dir).metrics['ws_stream_frame_lag']!.values;
    expect(lag['count']).toBe(50);
    expect(lag['p(95)']).toBeLessThan(50);
  });

  it('streams exactly the bytes of a typed array that views part of a buffer, and refuses what is not bytes', async () => {
    const frames: Buffer[] = [];
    const collector = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    collector.on('connection', (socket: WebSocket) => socket.on('message', (data, binary) => binary && frames.push(data as Buffer)));
    await new Promise((resolve) => collector.once('listening', resolve));
    try {
      const { code, stderr, stdout } = await runScript(
        `import { open } from 'wsk/ws';
         export const options = { iterations: 1 };
         export default async function () {
           const s = await open(__ENV.TARGET);
           const buffer = new Uint8Array(64).map((_, i) => i).buffer;
           // Bytes 8 to 31 of the buffer: 24 bytes, in frames of 10.
           await s.stream(new Uint16Array(buffer, 8, 12), { frameBytes: 10, intervalMs: 5 });
           try {
             await s.stream('not bytes' as never, { frameBytes: 10, intervalMs: 5 });
           } catch (error) {
             console.log('refused: ' + String(error));
           }
           s.close();
         }`,
        ['-e', `TARGET=ws://127.0.0.1:${(collector.address() as AddressInfo).port}`],
      );
      expect(code).toBe(0);
      expect(stdout + stderr).toContain('refused: TypeError: stream(): expected an ArrayBuffer or a typed array, got string');
      expect(frames.map((frame) => frame.length)).toEqual([10, 10, 4]);
      expect([...Buffer.concat(frames)]).toEqual(Array.from({ length: 24 }, (_, i) => i + 8));
    } finally {
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });

  it('keeps a stream paced while its VU blocks its isolate for a second, allocating all the while', async () => {
    // A target of its own that notes when each binary frame arrives.
    const arrivals: number[] = [];
    const timing = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    timing.on('connection', (socket: WebSocket) => socket.on('message', (_data, binary) => binary && arrivals.push(performance.now())));
    await new Promise((resolve) => timing.once('listening', resolve));
    try {
      const { code, dir, stderr, stdout } = await runScript(
        `import { open } from 'wsk/ws';
         import { sleep } from 'wsk';
         export const options = { iterations: 1, summaryTrendStats: ['max', 'count'] };
         const audio = new Uint8Array(3200 * 150).map((_, i) => i & 0xff); // 3 s of frames, 20 ms apart
         export default async function () {
           const s = await open(__ENV.TARGET);
           const streaming = s.stream(audio, { frameBytes: 3200, intervalMs: 20 });
           await sleep(0.5);
           const started = Date.now();
           let kept: number[][] = [];
           while (Date.now() - started < 1000) {
             kept.push(new Array(1000).fill(started));
             if (kept.length > 20000) kept = [];
           }
           console.log('blocked ' + (Date.now() - started));
           await streaming;
           s.close();
         }`,
        ['--summary-export', 'summary.json', '-e', `TARGET=ws://127.0.0.1:${(timing.address() as AddressInfo).port}`],
      );
      expect(stderr).not.toContain('ERROR');
      expect(code).toBe(0);
      expect(Number(/blocked (\d+)/.exec(stdout + stderr)?.[1])).toBeGreaterThanOrEqual(1000);
      expect(arrivals).toHaveLength(150);
      // Past the first frames (the pacer's thread starts with the first stream), no frame waited on the isolate.
      const gaps = arrivals.slice(10).map((at, i) => at - arrivals[i + 9]!);
      expect(Math.max(...gaps)).toBeLessThan(200);
      const lag = summaryOf(dir).metrics['ws_stream_frame_lag']!.values;
      expect(lag['count']).toBe(150);
    } finally {
      await new Promise<void>((resolve) => timing.close(() => resolve()));
    }
  });

  it('ends its process by itself once the test is over, after streams and with sockets left open', async () => {
    // Run without bin/wsk.js's launcher, which would pass the exit code on even if the process had
    // to be ended hard. Once the test is over nothing may hold the worker: not the stream pacer's
    // thread, and not a rebuild of the VUs' isolate for the closes their sockets report after it.
    // Each VU's init code takes 400 ms, so running it again for 10 VUs would outlast the wait for
    // the worker (5 s).
    const dir = scriptDir({
      'script.ts': `import { open } from 'wsk/ws';
        export const options = { vus: 10, iterations: 10 };
        const until = Date.now() + 400;
        while (Date.now() < until);
        const audio = new Uint8Array(3200 * 5);
        export default async function () {
          const s = await open(__ENV.TARGET);
          await s.stream(audio, { frameBytes: 3200, intervalMs: 20 });
        }`,
    });
    const child = spawn(process.execPath, ['--no-node-snapshot', WSK, 'run', '--quiet', '--workers', '1', 'script.ts', '-e', `TARGET=${url}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(output).toMatch(/iterations\.+: 10\b/);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 60_000);

  it("runs the stream pacer's thread 10 nice values above the process where the system allows it, else at the process's", async () => {
    const dir = scriptDir({
      'script.ts': `import { open } from 'wsk/ws';
        export const options = { iterations: 1 };
        const audio = new Uint8Array(3200 * 100);
        export default async function () {
          const s = await open(__ENV.TARGET);
          const streaming = s.stream(audio, { frameBytes: 3200, intervalMs: 20 });
          console.log('streaming');
          await streaming;
          s.close();
        }`,
    });
    const child = spawn(process.execPath, ['--no-node-snapshot', WSK, 'run', '--quiet', '--workers', '1', 'script.ts', '-e', `TARGET=${url}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const streaming = new Promise<void>((resolve) => {
      const seen = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('streaming')) resolve();
      };
      child.stdout.on('data', seen);
      child.stderr.on('data', seen);
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await streaming;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const nices = threadNices(child.pid!);
    expect(await closed).toBe(0);
    const processNice = nices.get(child.pid!)!;
    const raised = [...nices.values()].filter((nice) => nice < processNice);
    // Whether this system lets a process lower its nice value as far (root or CAP_SYS_NICE on Linux).
    const lower = 'const os = require("os"); os.setPriority(process.pid, Math.max(-20, os.getPriority(process.pid) - 10))';
    const allowed = await new Promise<boolean>((resolve) => spawn(process.execPath, ['-e', lower]).on('close', (code) => resolve(code === 0)));
    expect(raised).toEqual(allowed ? [Math.max(-20, processNice - 10)] : []);
  }, 60_000);

  it('delivers a burst of binary messages, one larger than a crossing carries in shared memory, each an exact ArrayBuffer', async () => {
    const { code, stderr, stdout } = await runScript(
      `import { open } from 'wsk/ws';
       import { sleep } from 'wsk';
       export const options = { vus: 2, iterations: 2 };
       const BURST = 60;
       export default async function () {
         const s = await open(__ENV.TARGET);
         const problems: string[] = [];
         let count = 0;
         s.on('binaryMessage', (b) => {
           const m = count++;
           if (!(b instanceof ArrayBuffer) || b.byteLength !== (m === 10 ? 1100000 : 50000)) return problems.push(m + ': ' + String(b) + ' ' + b.byteLength);
           const bytes = new Uint8Array(b);
           const wrong = bytes.findIndex((byte, i) => byte !== (m * 7 + i) % 251);
           if (wrong >= 0) problems.push(m + ': byte ' + wrong);
         });
         s.send(JSON.stringify({ burst: BURST }));
         for (let i = 0; i < 250 && count < BURST; i++) await sleep(0.02);
         console.log('vu ' + __VU + ' got ' + count + ' problems ' + JSON.stringify(problems.slice(0, 3)));
         s.close();
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect((stdout + stderr).match(/vu \d got 60 problems \[\]/g)).toHaveLength(2);
  });

  it('calls handlers without parameters for every binary message, and still gives the bytes to whatever reads them', async () => {
    // Only arrow functions without parameters are spared the bytes; every other reader gets them whole.
    const { code, stderr, stdout } = await runScript(
      `import { open } from 'wsk/ws';
       import { sleep } from 'wsk';
       export const options = { iterations: 1 };
       const frame = (n: number, fill: number) => new Uint8Array(n).fill(fill);
       export default async function () {
         const s = await open(__ENV.TARGET);
         let blind = 0;
         let asyncBlind = 0;
         const seen: string[] = [];
         s.on('binaryMessage', () => blind++);
         s.on('binaryMessage', async () => { asyncBlind++; });
         // A handler added while a message is handled takes the next one, with its bytes.
         let added = 0;
         s.on('binaryMessage', () => {
           if (added++ === 0) s.on('binaryMessage', (d) => seen.push('added ' + (d as ArrayBuffer).byteLength));
         });
         s.send(frame(5, 1));
         s.send(frame(6, 2));
         for (let i = 0; i < 100 && blind < 2; i++) await sleep(0.01);
         // A request with a function predicate reads every message that crosses.
         const replies = await s.request(frame(7, 3), { match: (d) => typeof d !== 'string' && d.byteLength === 7 });
         seen.push('request ' + replies.map((d) => Array.from(new Uint8Array(d as ArrayBuffer)).join(',')).join('|'));
         // So do receive(), a handler that takes the message, and a function that reads its arguments.
         const next = s.receive();
         s.send(frame(3, 4));
         seen.push('receive ' + Array.from(new Uint8Array((await next) as ArrayBuffer)).join(','));
         s.on('binaryMessage', (d) => seen.push('handler ' + (d as ArrayBuffer).byteLength));
         s.on('binaryMessage', function () { seen.push('function ' + (arguments[0] as ArrayBuffer).byteLength); });
         s.send(frame(9, 5));
         for (let i = 0; i < 100 && blind < 5; i++) await sleep(0.01);
         await sleep(0.05);
         console.log('blind ' + blind + ' ' + asyncBlind + ' ' + seen.join('; '));
         s.close();
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(stdout + stderr).toContain('blind 5 5 added 6; added 7; request 3,3,3,3,3,3,3; added 3; receive 4,4,4; added 9; handler 9; function 9');
  });

  it('streams the bytes as they were when stream() was called', async () => {
    const { code, stderr, stdout } = await runScript(
      `import { open } from 'wsk/ws';
       import { sleep } from 'wsk';
       export const options = { iterations: 1 };
       const FRAMES = 150; // 96,000 bytes: more than one 64 KiB chunk
       export default async function () {
         const s = await open(__ENV.TARGET);
         const echoed: number[] = [];
         s.on('binaryMessage', (b) => echoed.push(...new Uint8Array(b)));
         const audio = new Uint8Array(640 * FRAMES).map((_, i) => i % 251);
         const streaming = s.stream(audio, { frameBytes: 640, intervalMs: 1 });
         audio.fill(0); // the script reuses its buffer: the stream must not see it
         await streaming;
         for (let i = 0; i < 100 && echoed.length < audio.length; i++) await sleep(0.02);
         const wrong = echoed.findIndex((byte, i) => byte !== i % 251);
         console.log('echoed ' + echoed.length + ' first wrong ' + wrong);
         s.close();
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(stdout + stderr).toContain(`echoed ${640 * 150} first wrong -1`);
  });

  it("streams a file from open(path, 'b') as it is on disk, whole or a view of it; every VU of the isolate gets the same bytes", async () => {
    const file = Buffer.from(Array.from({ length: 90_000 }, (_, i) => (i * 7) % 253));
    const { code, stderr, stdout } = await runScript(
      `import { open as connect } from 'wsk/ws';
       import { sleep, check } from 'wsk';
       export const options = { vus: 3, iterations: 3 };
       const audio = open('./utterance.bin', 'b');
       const again = open('./utterance.bin', 'b');
       export default async function () {
         check(audio, { 'one buffer per isolate': (a) => a === again && a.byteLength === 90000 });
         const s = await connect(__ENV.TARGET);
         const echoed: number[] = [];
         s.on('binaryMessage', (b) => echoed.push(...new Uint8Array(b)));
         const body = new Uint8Array(audio, 44, 60000); // past a 44-byte header
         await s.stream(body, { frameBytes: 6000, intervalMs: 1 });
         for (let i = 0; i < 100 && echoed.length < body.length; i++) await sleep(0.02);
         const wrong = echoed.findIndex((byte, i) => byte !== ((i + 44) * 7) % 253);
         console.log('echoed ' + echoed.length + ' first wrong ' + wrong);
         s.close();
       }`,
      ['-e', `TARGET=${url}`],
      'script.ts',
      { 'utterance.bin': file },
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect((stdout + stderr).match(/echoed 60000 first wrong -1/g)).toHaveLength(3);
    expect(stdout).not.toMatch(/^\s*✗ /m);
  });

  it('sends a number or a boolean as its text, as k6 does', async () => {
    const { code, stdout, stderr } = await runScript(
      `import { open } from 'wsk/ws';
       import { check } from 'wsk';
       export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };
       export default async function () {
         const s = await open(__ENV.TARGET);
         s.send(42 as never);
         check(await s.receive(), { 'a number as text': (m) => m === '42' });
         s.send(true as never);
         check(await s.receive(), { 'a boolean as text': (m) => m === 'true' });
         s.close();
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(stdout).toContain('✓ a number as text');
    expect(code).toBe(0);
  });

  it('reports a refused connection as a counted, tagged failure and the VU goes on', async () => {
    const { code, stderr, stdout, dir } = await runScript(
      `import { open } from 'wsk/ws';
       export const options = { vus: 1, iterations: 3 };
       export default async function () {
         try { await open('ws://127.0.0.1:9/'); } catch (error) { console.log('caught: ' + (error as Error).message); }
       }`,
      ['--summary-export', 'summary.json'],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/caught: ws\.open\(ws:\/\/127\.0\.0\.1:9\/\): refused/);
    const { metrics } = summaryOf(dir);
    expect(metrics['ws_connection_failed']!.values['rate']).toBe(1);
    expect(metrics['ws_errors']!.values['count']).toBe(3);
    expect(metrics['ws_errors{error:refused}']!.values['count']).toBe(3);
    expect(stdout).toMatch(/\{ error:refused \}\.+: 3\b/);
  });

  it('sending on a closed socket is an error at the script line', async () => {
    const { code, stderr } = await runScript(
      `import { open } from 'wsk/ws';
       export const options = { iterations: 1 };
       export default async function () {
         const s = await open(__ENV.TARGET);
         s.send(JSON.stringify({ close: 4000 }));
         await s.closed;
         s.send('too late');
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] Error: send\(\) on a closed socket .*code 4000: asked to.* at script\.ts:7:\d+/);
  });

  it('settles closed whether it is first read before or after the close, and takes handlers of any event name', async () => {
    const { code, stdout, stderr } = await runScript(
      `import { sleep } from 'wsk';
       import { open } from 'wsk/ws';
       export const options = { iterations: 1 };
       export default async function () {
         const early = await open(__ENV.TARGET);
         const closes: number[] = [];
         early.on('toString', () => {});
         early.on('__proto__' as 'close', () => closes.push(-1));
         early.on('close', (code) => closes.push(code));
         const pending = early.closed;
         early.send(JSON.stringify({ close: 4001 }));
         const first = await pending;
         const late = await open(__ENV.TARGET);
         late.send(JSON.stringify({ close: 4002 }));
         while (late.isOpen) await sleep(0.01);
         const second = await late.closed;
         console.log('CLOSED ' + JSON.stringify([first.code, closes, early.closed === pending, second.code, late.closed === late.closed]));
       }`,
      ['-e', `TARGET=${url}`],
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(stdout + stderr).toContain(`CLOSED ${JSON.stringify([4001, [4001], true, 4002, true])}`);
  });
});

describe('built-in targets and network options', () => {
  it('wsk run --serve chat starts the chat target for the run and passes its URL as WSK_TARGET', async () => {
    const { code, stderr, dir } = await runScript(
      `import { check } from 'wsk';
       import { open } from 'wsk/ws';
       export const options = { vus: 2, iterations: 4, thresholds: { ws_req_failed: ['rate==0'] } };
       export default async function () {
         const s = await open(__ENV.WSK_TARGET);
         const id = __VU * 100 + __ITER;
         const replies = await s.request(JSON.stringify({ id, text: 'hello' }), {
           match: (m) => JSON.parse(m as string).id === id,
           until: (m) => JSON.parse(m as string).done === true,
         });
         check(replies, { 'parts then done': (r) => r.length === 4 });
         s.close();
       }`,
      ['--serve', 'chat', '--summary-export', 'summary.json'],
    );
    expect(stderr).toMatch(/started the chat target at ws:\/\/127\.0\.0\.1:\d+/);
    expect(code).toBe(0);
    expect(summaryOf(dir).metrics['checks']!.values['passes']).toBe(4);
  });

  it('options.hosts resolves a name to the chosen address', async () => {
    const port = new URL(url).port;
    const { code, stderr } = await runScript(
      `import { open } from 'wsk/ws';
       export const options = { iterations: 1, hosts: { 'chat.example.test': '127.0.0.1' } };
       export default async function () {
         const s = await open('ws://chat.example.test:${port}/');
         s.send('via hosts');
         console.log('got ' + (await s.receive()));
         s.close();
       }`,
    );
    expect(code).toBe(0);
    expect(stderr).toContain('got via hosts');
  });

  it('rejects a hosts entry that is not an address', async () => {
    const { code, stderr } = await runScript(`export const options = { hosts: { 'a.test': 'nowhere' } };\nexport default function () {}`);
    expect(code).toBe(104);
    expect(stderr).toMatch(/options\.hosts\.a\.test: invalid value "nowhere"; use an IPv4 or IPv6 address/);
  });
});

describe('socket details', () => {
  it('a close code the script chose is not an abnormal close; handshake headers and server pings reach the script', async () => {
    const pinger = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    pinger.on('connection', (socket: WebSocket) => {
      socket.ping();
      socket.on('message', (data) => socket.send(data));
    });
    await new Promise((resolve) => pinger.once('listening', resolve));
    const target = `ws://127.0.0.1:${(pinger.address() as AddressInfo).port}`;
    try {
      const { code, stderr, dir } = await runScript(
        `import ws from 'k6/ws';
         export const options = { iterations: 1 };
         export default function () {
           const res = ws.connect(__ENV.TARGET, {}, function (socket) {
             socket.on('ping', () => { console.log('server pinged'); socket.close(4001); });
           });
           console.log('status ' + res.status + ' upgrade ' + res.headers['upgrade']);
         }`,
        ['--summary-export', 'summary.json', '-e', `TARGET=${target}`],
        'script.js',
      );
      expect(code).toBe(0);
      expect(stderr).toContain('server pinged');
      expect(stderr).toMatch(/status 101 upgrade websocket/i);
      expect(summaryOf(dir).metrics['ws_errors']).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => pinger.close(() => resolve()));
    }
  });

  it('bufferedAmount grows while the target does not read', async () => {
    const stalled = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    stalled.on('connection', (_socket: WebSocket, request) => request.socket.pause());
    await new Promise((resolve) => stalled.once('listening', resolve));
    const target = `ws://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    try {
      const { code, stderr } = await runScript(
        `import { sleep } from 'wsk';
         import { open } from 'wsk/ws';
         export const options = { iterations: 1 };
         export default async function () {
           const s = await open(__ENV.TARGET);
           const chunk = new Uint8Array(256 * 1024);
           for (let i = 0; i < 40 && s.bufferedAmount === 0; i++) { s.send(chunk); await sleep(0.05); }
           console.log('buffered ' + (s.bufferedAmount > 0 ? 'grew' : 'stayed 0'));
           s.close();
         }`,
        ['-e', `TARGET=${target}`],
      );
      expect(code).toBe(0);
      expect(stderr).toContain('buffered grew');
    } finally {
      for (const client of stalled.clients) client.terminate();
      await new Promise<void>((resolve) => stalled.close(() => resolve()));
    }
  });
});
