/**
 * Faults a careful user runs into: script callbacks that throw, values that cannot cross into the
 * host, sockets that close under open requests, a target that reads slower than a stream is paced,
 * outputs that cannot be written, and how the results count setup, teardown and lost iterations.
 * Real scripts, the real binary, targets on 127.0.0.1 port 0.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ROOT, runScript, scriptDir, start, wsk } from './harness.js';
import { spawnTarget } from '../../src/serve/index.js';

type Metrics = Record<string, { values: Record<string, number> }>;

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A WebSocket server on 127.0.0.1 whose connections `serve` drives; its URL. */
async function wsServer(serve: (socket: WebSocket) => void): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', serve);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  servers.push({
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function summary(dir: string, file = 'summary.json'): Metrics {
  return (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { metrics: Metrics }).metrics;
}

const value = (metrics: Metrics, key: string, name: string): number | undefined => metrics[key]?.values[name];

describe('script code the host calls on its own', () => {
  it('a throwing handler, predicate or timer callback and a value that cannot cross are the VU\'s errors: named with VU and line, and the run goes on', async () => {
    const url = await wsServer((socket) => {
      socket.on('message', (data) => {
        socket.send('not json {');
        socket.send(JSON.stringify({ echo: data.toString(), done: true }));
      });
    });
    const script = [
      "import * as ws from 'wsk/ws';",
      "import { check } from 'wsk';",
      "import { Counter } from 'wsk/metrics';",
      "const counter = new Counter('things');",
      'export const options = { vus: 2, iterations: 8 };',
      'export default async function () {',
      '  const s = await ws.open(__ENV.TARGET);',
      "  s.on('message', () => { throw new Error('handler failed'); });",
      '  const replies = await s.request(\'hi\', { match: (m) => JSON.parse(m as string).echo === \'hi\', until: (m) => JSON.parse(m as string).done });',
      "  check(replies, { 'the reply came': (r) => r.length === 1 });",
      "  try { counter.add(1, { bad: (() => 1) as unknown as string }); } catch (e) { console.log('add: ' + String(e)); }",
      "  try { await ws.open(__ENV.TARGET, { subprotocols: [Symbol('x') as unknown as string] }); } catch (e) { console.log('open: ' + (e as Error).message); }",
      '  s.close();',
      '}',
    ].join('\n');
    const { code, stderr, dir } = await runScript(script, ['--workers', '1', '--summary-export', 'summary.json', '-e', `TARGET=${url}`]);
    expect(stderr).not.toMatch(/internal error|worker thread failed/i);
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU [12]\] Error: handler failed at script\.ts:8:\d+ \(in a socket 'message' handler; the VU goes on\)/);
    expect(stderr).toMatch(/ERROR \[VU [12]\] SyntaxError: .* at script\.ts:9:\d+ \(in a request\(\) match; the VU goes on\)/);
    // A tag that is no text fails where the script passed it; whatever else cannot cross fails where it is awaited.
    expect(stderr).toContain('INFO [VU 1] add: TypeError: things.add(): tags: "bad" must be a string, got function');
    expect(stderr).toMatch(/INFO \[VU [12]\] open: ws\.open\(ws:\/\/127\.0\.0\.1:\d+\): subprotocols\[0\] \(a symbol\) cannot be sent to the host/);
    // Repeats of one error are counted, not printed, whatever numbers differ in them.
    expect(stderr).toMatch(/\(\d+ repeated error messages were not printed\)/);
    const metrics = summary(dir);
    expect(value(metrics, 'iterations', 'count')).toBe(8);
    expect(value(metrics, 'checks', 'passes')).toBe(8);
  });

  it('a callback-form (k6) socket whose timer callback throws goes on with its next tick', async () => {
    const url = await wsServer(() => {});
    const script = [
      "import ws from 'k6/ws';",
      'export const options = { vus: 1, iterations: 1 };',
      'export default function () {',
      '  let ticks = 0;',
      '  ws.connect(__ENV.TARGET, {}, (socket) => {',
      "    socket.setInterval(() => { ticks++; if (ticks === 3) socket.close(); throw new Error('tick ' + ticks); }, 50);",
      '  });',
      "  console.log('ticks ' + ticks);",
      '}',
    ].join('\n');
    const { code, stderr } = await runScript(script, ['--workers', '1', '-e', `TARGET=${url}`]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] Error: tick 1 at script\.ts:6:\d+ \(in a socket\.setInterval\(\) callback; the VU goes on\)/);
    expect(stderr).toContain('INFO [VU 1] ticks 3');
  });

  it('the quickstart passes against a chat target that garbles 5 % of its reply parts, counting the garbled ones', async () => {
    const target = await spawnTarget('chat', { chat: { garbleRate: 0.05 }, seed: 7 });
    try {
      const { code, stderr } = await wsk(['run', '--quiet', '--workers', '1', '-e', `WSK_TARGET=${target.url}`, 'scripts-examples/quickstart.ts'], { cwd: ROOT });
      expect(stderr).not.toMatch(/internal error|worker thread failed/i);
      expect(code).toBe(0);
      expect(stderr).toMatch(/ERROR \[VU \d+\] SyntaxError: .* at quickstart\.ts:\d+:\d+ \(in a request\(\) match; the VU goes on\)/);
    } finally {
      await target.stop();
    }
  });
});

describe('requests cut off by a closing socket', () => {
  it('each counts in ws_req_failed, tagged with why the socket closed, so a threshold on it fails', async () => {
    const url = await wsServer((socket) => {
      socket.on('message', (data) => {
        const text = data.toString();
        if (text === 'close') setTimeout(() => socket.close(1011, 'overloaded'), 20);
        if (text === 'reset') setTimeout(() => (socket as unknown as { _socket: { resetAndDestroy(): void } })._socket.resetAndDestroy(), 20);
      });
    });
    const script = [
      "import * as ws from 'wsk/ws';",
      'export const options = {',
      '  vus: 1, iterations: 2,',
      "  thresholds: { ws_req_failed: ['rate<0.01'], 'ws_req_failed{error:closed_abnormally}': ['rate>=0'], 'ws_req_failed{error:reset}': ['rate>=0'], 'ws_req_failed{error:closed_by_script}': ['rate>=0'] },",
      '};',
      'export default async function () {',
      "  for (const what of ['close', 'reset', 'mine']) {",
      '    const s = await ws.open(__ENV.TARGET);',
      '    const pending = s.request(what, { timeout: 5000 });',
      "    if (what === 'mine') s.close();",
      '    const replies = await pending;',
      "    console.log(what + ' got ' + replies.length);",
      '  }',
      '}',
    ].join('\n');
    const started = Date.now();
    const { code, stderr, dir } = await runScript(script, ['--workers', '1', '--summary-export', 'summary.json', '-e', `TARGET=${url}`]);
    expect(Date.now() - started).toBeLessThan(20_000); // not the 5 s request timeouts
    expect(code).toBe(99);
    const metrics = summary(dir);
    expect(value(metrics, 'ws_req_failed', 'passes')).toBe(6);
    expect(value(metrics, 'ws_req_failed', 'rate')).toBe(1);
    expect(value(metrics, 'ws_req_failed{error:closed_abnormally}', 'passes')).toBe(2);
    expect(value(metrics, 'ws_req_failed{error:reset}', 'passes')).toBe(2);
    expect(value(metrics, 'ws_req_failed{error:closed_by_script}', 'passes')).toBe(2);
    expect(stderr).toContain('INFO [VU 1] close got 0');
  });
});

describe('stream() to a target that reads slower than the stream is paced', () => {
  it('stops reading ahead: bufferedAmount shows the backlog, frames go out late, data_sent counts what left', async () => {
    // A raw TCP target that completes the handshake, then reads 64 KiB every 100 ms (640 KB/s) of a
    // stream paced at 64 KiB per 2 ms (32 MB/s).
    let received = 0;
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      let head = '';
      const onHead = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onHead);
        socket.pause();
        const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        const timer = setInterval(() => {
          let read = 0;
          let chunk: Buffer | null;
          while (read < 64 * 1024 && (chunk = socket.read() as Buffer | null) !== null) read += chunk.length;
          received += read;
        }, 100);
        socket.on('close', () => clearInterval(timer));
      };
      socket.on('data', onHead);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = [
      "import * as ws from 'wsk/ws';",
      "import { sleep } from 'wsk';",
      "export const options = { vus: 1, iterations: 1, thresholds: { ws_stream_frame_lag: ['max>=0'] } };",
      'export default async function () {',
      '  const s = await ws.open(__ENV.TARGET);',
      '  const audio = new Uint8Array(96 * 1024 * 1024);',
      '  const streaming = s.stream(audio, { frameBytes: 64 * 1024, intervalMs: 2 }).catch((e) => console.log(String(e)));',
      '  await sleep(3);',
      "  console.log('buffered ' + s.bufferedAmount);",
      '  s.close();',
      '  await streaming;',
      '}',
    ].join('\n');
    const { code, stderr, dir } = await runScript(script, ['--workers', '1', '--summary-export', 'summary.json', '-e', `TARGET=${url}`]);
    expect(code).toBe(0);
    const buffered = Number(/buffered (\d+)/.exec(stderr)?.[1]);
    expect(buffered).toBeGreaterThan(0);
    expect(buffered).toBeLessThan(1024 * 1024); // bounded: the stream waits instead of queueing 48 MB
    const metrics = summary(dir);
    const sent = value(metrics, 'data_sent', 'count') ?? 0;
    // What left the process: what the target read plus what the kernel's socket buffers still held.
    expect(sent).toBeGreaterThan(received);
    expect(sent).toBeLessThan(received + 16 * 1024 * 1024);
    expect(sent).toBeLessThan(24 * 1024 * 1024);
    // Frames that waited for the target are late, and the lag metric says so.
    expect(value(metrics, 'ws_stream_frame_lag', 'max')).toBeGreaterThan(500);
  });
});

describe('what the results count', () => {
  it('requests, checks and custom metrics of setup() and teardown() count, as in k6', async () => {
    const url = await wsServer((socket) => socket.on('message', (data) => socket.send(data.toString())));
    const script = [
      "import * as ws from 'wsk/ws';",
      "import { check } from 'wsk';",
      "import { Counter } from 'wsk/metrics';",
      "const things = new Counter('things');",
      'export const options = { vus: 1, iterations: 1 };',
      'export async function setup() {',
      '  const s = await ws.open(__ENV.TARGET);',
      "  await s.request('setup');",
      '  s.close();',
      "  check(1, { 'in setup': () => true });",
      '  things.add(5);',
      '}',
      "export default function () { check(1, { 'in an iteration': () => true }); }",
      "export function teardown() { check(1, { 'in teardown': () => true }); things.add(7); }",
    ].join('\n');
    const { code, dir } = await runScript(script, ['--workers', '1', '--summary-export', 'summary.json', '-e', `TARGET=${url}`]);
    expect(code).toBe(0);
    const metrics = summary(dir);
    expect(value(metrics, 'checks', 'passes')).toBe(3);
    expect(value(metrics, 'things', 'count')).toBe(12);
    expect(value(metrics, 'ws_req_failed', 'fails')).toBe(1);
    expect(value(metrics, 'iterations', 'count')).toBe(1);
  });

  it('a threshold whose metric got no sample shows "no samples", in the summary and the files', async () => {
    const script = [
      "export const options = { iterations: 1, thresholds: { 'http_req_duration{name:never}': ['p(95)<100'], ws_req_failed: ['rate<0.01'] } };",
      'export default function () {}',
    ].join('\n');
    const { code, stdout, dir } = await runScript(script, ['--workers', '1', '--out', 'markdown=summary.md', '--out', 'junit=junit.xml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/\{ name:never \}\.*: no samples/);
    expect(stdout).toMatch(/ws_req_failed\.*: no samples/);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toContain('no samples');
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).not.toContain('<failure');
  });

  it('the last vus value of a constant load is that load, not a moment of its ramp-down', async () => {
    const script = [
      "import { sleep } from 'wsk';",
      "export const options = { vus: 30, duration: '2500ms' };",
      'export default async function () { await sleep(0.3 + Math.random() * 0.4); }',
    ].join('\n');
    const { code, dir } = await runScript(script, ['--workers', '1', '--summary-export', 'summary.json']);
    expect(code).toBe(0);
    const metrics = summary(dir);
    expect(value(metrics, 'vus', 'value')).toBe(30);
    expect(value(metrics, 'vus', 'max')).toBe(30);
  });

  it('iterations lost to another VU\'s runaway loop still count, as failed iterations', async () => {
    const script = [
      "import { sleep } from 'wsk';",
      "export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 3, maxDuration: '30s' } } };",
      'export default async function () {',
      '  await sleep(0.05);',
      '  if (__VU === 1 && __ITER === 1) { while (true) { /* runaway */ } }',
      '}',
    ].join('\n');
    const { code, stderr, dir } = await runScript(script, ['--workers', '1', '--call-timeout', '1s', '--summary-export', 'summary.json']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/ERROR \[VU 1\] stopped: the VU's code ran for longer than the sandbox call timeout at script\.ts:5:\d+/);
    expect(value(summary(dir), 'iterations', 'count')).toBe(9);
  });
});

describe('a VU that exhausts its isolate\'s memory', () => {
  it('is named for certain once a report can be sure, a report that cannot says so, and no position of wsk\'s own is given', async () => {
    const script = [
      "import { sleep } from 'wsk';",
      // Long enough for two heaps to fill on a busy machine: the second report is the one that is sure.
      "export const options = { vus: 4, duration: '12s' };",
      'const hoard: string[][] = [];',
      'export default async function () {',
      '  await sleep(0.01);',
      '  if (__VU !== 1) return;',
      '  const chunk: string[] = [];',
      "  for (let i = 0; i < 40000; i++) chunk.push('x'.repeat(64) + i);",
      '  hoard.push(chunk);',
      '}',
    ].join('\n');
    const { code, stderr } = await runScript(script, ['--workers', '1', '--memory-limit', '96']);
    expect(code).toBe(0);
    const reports = stderr.split('\n').filter((line) => line.includes('ran out of memory'));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    for (const report of reports) {
      // A report that cannot be sure says so; one that can names the VU holding the memory.
      if (!report.includes('may not be the one holding the memory')) expect(report).toMatch(/^ERROR \[VU 1\] /);
      expect(report).not.toMatch(/node:|\.js:\d+/);
    }
    expect(reports.some((report) => report.startsWith('ERROR [VU 1] ') && !report.includes('may not be'))).toBe(true);
  });
});

describe('outputs and exit codes', () => {
  it('an output file that cannot be written at the end is one line and exit 103, and the other outputs are still written', async () => {
    const dir = scriptDir({
      'script.ts': "import { sleep } from 'wsk';\nexport const options = { iterations: 1 };\nexport default async function () { await sleep(2); }\n",
      'out/keep': '',
    });
    const run = start(['run', '--workers', '1', 'script.ts', '--summary-export', 'out/summary.json', '--out', 'json=results.json'], { cwd: dir });
    // The directory is there when the run checks its outputs; then it turns into a file.
    await run.waitFor('initialised');
    rmSync(path.join(dir, 'out'), { recursive: true, force: true });
    writeFileSync(path.join(dir, 'out'), '');
    const { code, stderr } = await run.done;
    expect(stderr).toMatch(/ERROR --summary-export: cannot write "out\/summary\.json"/);
    expect(code).toBe(103);
    expect(existsSync(path.join(dir, 'results.json'))).toBe(true);
  });

  it('abortOnFail exits 99, as in k6', async () => {
    const script = [
      "import { check, sleep } from 'wsk';",
      "export const options = { vus: 1, duration: '20s', thresholds: { checks: [{ threshold: 'rate>0.5', abortOnFail: true }] } };",
      "export default async function () { check(1, { never: () => false }); await sleep(0.1); }",
    ].join('\n');
    const { code, stderr } = await runScript(script, ['--workers', '1']);
    expect(stderr).toContain('(abortOnFail)');
    expect(code).toBe(99);
  });
});
