// `npm run bench`, WebSocket part: what wsk costs per message, per idle socket and per streamed
// frame, next to a bare `ws` client (test/bench/bare-ws-client.mjs) doing the same work in the same
// run. Every run gets a fresh `wsk serve echo` in its own process; generator and server are pinned
// to different cores when `taskset` exists. CPU and memory are read from /proc.
//
//   W0  1 VU, one socket, one request, then idle to the end of the run (1 s): the whole process's CPU from
//       spawn to exit (start-up, the run, the summary), from wait4's rusage of the exited process. `wsk` is
//       the CLI's process (node --no-node-snapshot bin/wsk.js), as every workload runs it; `npx wsk` adds the
//       launcher that `npx wsk` and `wsk` start first (bin/wsk.js without the flag), which starts the CLI.
//   W1  100 VUs, closed loop `await s.request(msg)` of a 100-byte text, one socket per VU: CPU-µs per round trip.
//   W2  --fleet VUs (10,000) each holding one socket, one small message every 5 s: all connected? RSS per VU
//       (6 s after the last socket opened), the largest RSS of the run, and the whole run's CPU seconds. One
//       process holds at most ~19,000 sockets under a 20,000 open-files limit (--fleet=19000 measures that);
//       50,000 VUs need several processes.
//   W3  200 VUs each streaming a 20 s utterance in 3,200-byte frames every 20 ms, the utterance made in
//       init code (the same bytes in every VU, as one WAV loaded with open() would be) and streamed with one
//       stream() call: CPU-µs per frame, p99 ws_stream_frame_lag, and at the server (stream-server.mjs) the
//       p99 |inter-arrival − 20 ms| and the longest gap; the generator's max RSS. As independent callers
//       would, the streams are not in step: each starts 1 s after its socket opened (the fleet is
//       connected by then), offset by its index × interval / VUs. Frames due at one instant all together
//       would make the last one late by the cost of sending the others, for any client.
//
// Every workload also shows `start s`: seconds from spawn to the start of the load (for wsk, start-up,
// bundling and every VU's init code, where W3 makes its audio).
//
// Flags: --only=W1,W3  --seconds=5 (every workload's duration)  --repeat=3 (prints medians)
//        --fleet=50000 (W2's size)  --wsk-args=--workers,2 (flags for wsk run; default --workers 1 when pinned)
//
// Operations are counted at the server: it writes exactly one echo per message it receives, so the
// bytes it wrote during the measured window, divided by the size of one echo frame, count the round
// trips (W1) or frames (W3) of either client the same way.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  benchDir, eachLine, GENERATOR_CORE, measureWindow, median, OPEN_FILES, openFiles, PINNED, procStat, ROOT, SERVER_CORE, sleep, spawnOn,
  spawnTimed, startEchoServer, timedCpuSeconds, WSK,
} from './processes.mjs';

const BARE = path.join(ROOT, 'test', 'bench', 'bare-ws-client.mjs');
const STREAM_SERVER = path.join(ROOT, 'test', 'bench', 'stream-server.mjs');

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const ONLY = (args.get('only') ?? 'W0,W1,W2,W3').split(',').map((name) => name.toUpperCase());
const SECONDS = args.has('seconds') ? Number(args.get('seconds')) : undefined;
const REPEAT = Number(args.get('repeat') ?? 1);
const FLEET = Number(args.get('fleet') ?? 10_000);
// Pinned to one core, wsk gets one worker thread, as the bare client has one thread: two workers
// sharing a core only take turns and add switching.
const WSK_ARGS = args.has('wsk-args') ? args.get('wsk-args').split(',') : PINNED ? ['--workers', '1'] : [];

/** Bytes the echo server writes for one echo of `payload` bytes: a server frame is unmasked. */
function echoFrameBytes(payload) {
  return payload + (payload < 126 ? 2 : payload < 65536 ? 4 : 10);
}

const W0_BYTES = 100;
const W1_BYTES = 100;
const W3_FRAME_BYTES = 3200;
const W3_INTERVAL_MS = 20;
const W3_START_AFTER_MS = 1000;

/**
 * Each workload: the wsk script (its sizes come from __ENV), the bare client's flags, and what to
 * measure: `cpu` (CPU per operation over a steady window), `memory` (RSS per connection) or `total` (the
 * CPU of the whole process, start-up and exit included).
 */
const WORKLOADS = {
  W0: {
    title: `1 VU, one socket, one request of ${W0_BYTES} bytes, whole process from spawn to exit`,
    seconds: 1,
    conns: 1,
    measure: 'total',
    // Also as `npx wsk` runs it, through the launcher (bin/wsk.js), which the other workloads skip.
    clients: ['wsk', 'npx wsk', 'bare'],
    // The socket stays open to the end, as the bare client's does.
    script: `import ws from 'wsk/ws';
import { sleep } from 'wsk';
export const options = { vus: Number(__ENV.VUS), iterations: Number(__ENV.VUS) };
export default async function () {
  const socket = await ws.open(__ENV.URL!);
  await socket.request('x'.repeat(${W0_BYTES}));
  await sleep(Number(__ENV.SECONDS));
  socket.close();
}
`,
    // One message on open, then none before the client exits at --seconds.
    bareArgs: (seconds) => ['--mode=idle', `--bytes=${W0_BYTES}`, `--every-ms=${seconds * 1000 + 1000}`],
  },
  W1: {
    title: `100 VUs, closed-loop request of ${W1_BYTES} bytes`,
    seconds: 20,
    conns: 100,
    measure: 'cpu',
    operation: 'round trip',
    echoBytes: echoFrameBytes(W1_BYTES),
    script: `import ws from 'wsk/ws';
import type { Socket } from 'wsk/ws';
export const options = { vus: Number(__ENV.VUS), duration: __ENV.DURATION };
const message = 'x'.repeat(${W1_BYTES});
let socket: Socket | undefined;
export default async function () {
  socket ??= await ws.open(__ENV.URL!);
  await socket.request(message);
}
`,
    bareArgs: () => ['--mode=request', `--bytes=${W1_BYTES}`],
  },
  W2: {
    title: `${FLEET} VUs each holding one socket, a message every 5 s`,
    seconds: 30,
    conns: FLEET,
    measure: 'memory',
    script: `import ws from 'wsk/ws';
import { sleep } from 'wsk';
import type { Socket } from 'wsk/ws';
export const options = { vus: Number(__ENV.VUS), duration: __ENV.DURATION };
let socket: Socket | undefined;
export default async function () {
  if (socket === undefined) {
    socket = await ws.open(__ENV.URL!);
    socket.on('message', () => {});
  }
  socket.send('ping');
  await sleep(5);
}
`,
    bareArgs: () => ['--mode=idle', '--bytes=4', '--every-ms=5000'],
  },
  W3: {
    title: `200 VUs each streaming a ${W3_FRAME_BYTES}-byte frame every ${W3_INTERVAL_MS} ms, utterance made in init code`,
    seconds: 20,
    conns: 200,
    measure: 'cpu',
    operation: 'frame',
    echoBytes: echoFrameBytes(W3_FRAME_BYTES),
    server: 'stream',
    // One iteration per VU streams the whole run, so the run ends when the last frame is out.
    script: `import ws from 'wsk/ws';
import { sleep } from 'wsk';
export const options = {
  scenarios: { stream: { executor: 'per-vu-iterations', vus: Number(__ENV.VUS), iterations: 1, maxDuration: '10m' } },
  summaryTrendStats: ['avg', 'p(50)', 'p(99)', 'max'],
};
const audio = new Uint8Array(${W3_FRAME_BYTES} * Number(__ENV.FRAMES));
for (let i = 0; i < audio.length; i++) audio[i] = (i * 31 + (i >> 9)) & 0xff;
export default async function () {
  const socket = await ws.open(__ENV.URL!);
  socket.on('binaryMessage', () => {});
  await sleep((${W3_START_AFTER_MS} + ((__VU - 1) * ${W3_INTERVAL_MS}) / Number(__ENV.VUS)) / 1000);
  await socket.stream(audio, { frameBytes: ${W3_FRAME_BYTES}, intervalMs: ${W3_INTERVAL_MS} });
  socket.close();
}
`,
    bareArgs: (seconds) => ['--mode=stream', `--frame-bytes=${W3_FRAME_BYTES}`, `--interval-ms=${W3_INTERVAL_MS}`, `--frames=${w3Frames(seconds)}`, `--start-after-ms=${W3_START_AFTER_MS}`],
  },
};

function w3Frames(seconds) {
  return Math.round((seconds * 1000) / W3_INTERVAL_MS);
}

/** W3's server (stream-server.mjs) on the server core: like startEchoServer, and stop() resolves with what it measured. */
async function startStreamServer() {
  const child = spawnOn(SERVER_CORE, [process.execPath, STREAM_SERVER, `--interval-ms=${W3_INTERVAL_MS}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stats = {};
  const closed = new Promise((resolve) => child.on('close', resolve));
  const url = await new Promise((resolve, reject) => {
    eachLine(child.stdout, (line) => {
      const listening = /^listening on (ws:\/\/\S+)/.exec(line);
      if (listening) resolve(listening[1]);
      if (line.startsWith('stream-stats ')) stats = JSON.parse(line.slice('stream-stats '.length));
    });
    void closed.then((code) => reject(new Error(`stream-server.mjs exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
      return { serverJitterP99Ms: stats.p99JitterMs, maxGapMs: stats.maxGapMs };
    },
  };
}

/** The largest RSS the process has had (VmHWM), read until it exits; resolves with the last reading. */
function watchPeakRss(pid, exited) {
  let peakMB;
  const read = () => {
    try {
      const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (kb > 0) peakMB = kb / 1024;
    } catch {
      // It exited between two readings: the last one stands.
    }
  };
  const timer = setInterval(read, 200);
  return exited.then(() => {
    clearInterval(timer);
    return peakMB;
  });
}


/**
 * Runs one client ('wsk' or 'bare') through one workload against a fresh server and measures it.
 * `markers` are the child's lines that mean "about to create VUs/sockets" (the memory baseline) and
 * "VUs exist, load starts" (the origin of the measuring window).
 */
async function runClient(name, workload, client, seconds, dir) {
  const server = workload.server === 'stream' ? await startStreamServer() : await startEchoServer();
  // 'npx wsk' as a user runs it: bin/wsk.js's launcher, which starts the CLI in a child with the flag.
  const node = client === 'npx wsk' ? [process.execPath] : [process.execPath, '--no-node-snapshot'];
  const argv =
    client !== 'bare'
      ? [...node, WSK, 'run', `${name}.ts`, ...WSK_ARGS, '-e', `URL=${server.url}`, '-e', `VUS=${workload.conns}`,
         '-e', `DURATION=${seconds}s`, '-e', `SECONDS=${seconds}`, '-e', `FRAMES=${w3Frames(seconds)}`, '--summary-export', `${name}-summary.json`]
      : [process.execPath, BARE, `--url=${server.url}`, `--conns=${workload.conns}`, `--seconds=${seconds}`, ...workload.bareArgs(seconds)];
  // A stalled run must not hang the bench: allow for creating the VUs, the run, and a graceful stop.
  const limitMs = (seconds + 120) * 1000;
  const spawnedAt = performance.now();
  const child = (workload.measure === 'total' ? spawnTimed : spawnOn)(GENERATOR_CORE, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  let stopping;
  const stopServer = () => (stopping ??= server.stop().then((stats) => stats ?? {}));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  const cpuAtExit = cpuSecondsAtExit(child.pid);
  const peakRss = watchPeakRss(child.pid, exited);
  let tail = [];
  let baseline;
  let startedAt;
  let bareDone;
  let bareConnected;
  let totalCpuSeconds;
  const started = new Promise((resolve) => {
    const onLine = (line) => {
      totalCpuSeconds ??= timedCpuSeconds(line);
      tail = [...tail.slice(-4), line];
      if (/^initialising \d+ VUs|^opening$/.test(line)) baseline = { ...procStat(child.pid), files: openFiles(child.pid) };
      if (/^initialised \d+ VUs|^opening$/.test(line)) {
        startedAt = performance.now();
        resolve();
      }
      if (line.startsWith('connected ')) bareConnected = JSON.parse(line.slice('connected '.length));
      if (line.startsWith('done ')) bareDone = JSON.parse(line.slice('done '.length));
    };
    eachLine(child.stdout, onLine);
    eachLine(child.stderr, onLine);
  });
  try {
    const measured =
      workload.measure === 'total'
        ? await exited.then(() => (totalCpuSeconds === undefined ? { error: 'no CPU time reported' } : { cpuSeconds: totalCpuSeconds }))
        : await Promise.race([
            started.then(() => (workload.measure === 'cpu' ? measureCpu(child.pid, server.pid, workload, seconds) : measureMemory(child.pid, baseline, workload, seconds))),
            exited.then((code) => ({ error: `exited (${code}) before the load started` })),
          ]);
    const code = await exited;
    if (measured.error !== undefined || code !== 0) return { error: `${measured.error ?? `exit ${code}`}: ${tail.join(' | ')}` };
    // A memory workload's CPU is the whole run's, from making the VUs (sockets) to the exit.
    if (workload.measure === 'memory') measured.cpuSeconds = (await cpuAtExit) - baseline.cpuSeconds;
    const outcome = client !== 'bare' ? wskOutcome(path.join(dir, `${name}-summary.json`), workload) : bareOutcome(bareConnected, bareDone, workload);
    const atServer = await stopServer();
    // W2's also shows how far a fleet's heaps swing over the run, past the RSS at one moment.
    const peak = workload.server === 'stream' || workload.measure === 'memory' ? { maxRssMB: await peakRss } : {};
    // From spawn to the load: start-up, the bundle, and each VU's init code (W3's makes its audio).
    const start = startedAt === undefined ? {} : { startS: (startedAt - spawnedAt) / 1000 };
    return { ...measured, ...outcome, ...atServer, ...peak, ...start, elapsedS: (performance.now() - startedAt) / 1000 };
  } finally {
    clearTimeout(killer);
    await stopServer();
  }
}


async function measureCpu(pid, serverPid, workload, seconds) {
  const window = await measureWindow(pid, serverPid, seconds);
  if (window.error !== undefined) return window;
  const ops = window.bytes / workload.echoBytes;
  return { cpuUsPerOp: (window.cpu * 1e6) / ops, opsPerSecond: ops / window.seconds, cpuShare: window.cpu / window.seconds };
}

/** RSS once every socket is open and each has sent once more (its heap at working size), minus the baseline. */
async function measureMemory(pid, baseline, workload, seconds) {
  const startedAt = performance.now();
  const lastSampleAt = startedAt + (seconds - 0.5) * 1000;
  try {
    let connectedMs;
    while (performance.now() < lastSampleAt) {
      if (openFiles(pid) - baseline.files >= workload.conns) {
        connectedMs = performance.now() - startedAt;
        break;
      }
      await sleep(250);
    }
    await sleep(Math.min(startedAt + (connectedMs ?? 0) + 6000, lastSampleAt) - performance.now());
    const { rssBytes } = procStat(pid);
    return { rssPerVuKB: (rssBytes - baseline.rssBytes) / workload.conns / 1024, rssMB: rssBytes / 2 ** 20, connectedS: connectedMs === undefined ? NaN : connectedMs / 1000 };
  } catch (error) {
    return { error: `the generator exited before all sockets were open (${error.message})` };
  }
}

/** The CPU seconds the process has used when it exits (read every 100 ms until /proc has no more of it). */
async function cpuSecondsAtExit(pid) {
  let last = 0;
  for (;;) {
    try {
      last = procStat(pid).cpuSeconds;
    } catch {
      return last;
    }
    await sleep(100);
  }
}

function wskOutcome(file, workload) {
  const metrics = JSON.parse(readFileSync(file, 'utf8')).metrics;
  const open = metrics.ws_sessions?.values.count ?? 0;
  // A Rate's `passes` are its non-zero samples: here, the failed connections.
  const failed = metrics.ws_connection_failed?.values.passes ?? 0;
  return { connected: `${open}/${workload.conns}`, failed, lagP99Ms: metrics.ws_stream_frame_lag?.values['p(99)'] };
}

function bareOutcome(connected, done, workload) {
  return { connected: `${connected?.open ?? 0}/${workload.conns}`, failed: connected?.failed ?? workload.conns, lagP99Ms: done?.lagP99Ms };
}

// ---- report ----

const COLUMNS = [
  { key: 'cpuSeconds', title: 'CPU s', digits: 3 },
  { key: 'startS', title: 'start s', digits: 2 },
  { key: 'cpuUsPerOp', title: 'CPU-µs/op', digits: 1 },
  { key: 'opsPerSecond', title: 'ops/s', digits: 0 },
  { key: 'cpuShare', title: 'CPU share', digits: 2 },
  { key: 'lagP99Ms', title: 'lag p99 ms', digits: 2 },
  { key: 'serverJitterP99Ms', title: 'server jitter p99 ms', digits: 2 },
  { key: 'maxGapMs', title: 'max gap ms', digits: 1 },
  { key: 'maxRssMB', title: 'max RSS MB', digits: 0 },
  { key: 'connected', title: 'connected', text: true },
  { key: 'failed', title: 'failed', digits: 0 },
  { key: 'connectedS', title: 'all open s', digits: 1 },
  { key: 'rssPerVuKB', title: 'RSS/VU KB', digits: 1 },
  { key: 'rssMB', title: 'RSS MB', digits: 0 },
];


/** The columns this workload fills, in a fixed order. */
function columnsOf(results) {
  return COLUMNS.filter((column) => results.some((r) => r[column.key] !== undefined));
}

function cell(column, value) {
  if (value === undefined) return '-'.padStart(column.title.length);
  const text = column.text ? String(value) : value.toFixed(column.digits);
  return text.padStart(Math.max(column.title.length, 10));
}

function header(columns) {
  return `${'client'.padEnd(9)}${columns.map((c) => ` ${c.title.padStart(Math.max(c.title.length, 10))}`).join('')}`;
}

function row(label, columns, result) {
  return `${label.padEnd(9)}${columns.map((c) => ` ${cell(c, result[c.key])}`).join('')}`;
}

/** wsk ÷ bare for the figures where lower is better, run by run, then their median. */
function ratios(runs) {
  const total = median(runs.map((r) => r.wsk.cpuSeconds / r.bare.cpuSeconds));
  const launched = median(runs.map((r) => r['npx wsk']?.cpuSeconds / r.bare.cpuSeconds));
  const cpu = median(runs.map((r) => r.wsk.cpuUsPerOp / r.bare.cpuUsPerOp));
  const rss = median(runs.map((r) => r.wsk.rssPerVuKB / r.bare.rssPerVuKB));
  return [
    total === undefined ? '' : `CPU s ${total.toFixed(2)}×`,
    launched === undefined ? '' : `npx wsk's CPU s ${launched.toFixed(2)}×`,
    cpu === undefined ? '' : `CPU per op ${cpu.toFixed(2)}×`,
    rss === undefined ? '' : `RSS per VU ${rss.toFixed(2)}×`,
  ].filter(Boolean).join(', ');
}

function medianResult(results) {
  const out = {};
  for (const column of COLUMNS) {
    const values = results.map((r) => r[column.key]).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    out[column.key] = column.text ? [...new Set(values)].join(' ') : median(values);
  }
  return out;
}

// ---- main ----

const dir = benchDir('ws-bench');
const selected = ONLY.filter((name) => {
  if (WORKLOADS[name] !== undefined) return true;
  console.log(`unknown workload ${JSON.stringify(name)}; expected W0, W1, W2 or W3`);
  return false;
});
for (const name of selected) writeFileSync(path.join(dir, `${name}.ts`), WORKLOADS[name].script);

console.log(
  `wsk ws bench: ${os.cpus().length} cores, node ${process.version}, ` +
    (PINNED ? `generator on core ${GENERATOR_CORE}, server on core ${SERVER_CORE}` : 'taskset not found: generator and server NOT pinned') +
    `, open files ${OPEN_FILES}, ${REPEAT} run(s) each${WSK_ARGS.length > 0 ? `, wsk run ${WSK_ARGS.join(' ')}` : ''}`,
);
for (const name of selected) {
  const workload = WORKLOADS[name];
  const seconds = SECONDS ?? workload.seconds;
  console.log(`\n${name}: ${workload.title}, ${seconds} s${workload.operation ? ` (op = one ${workload.operation})` : ''}`);
  // wsk and the bare client each need a socket per connection, the server one per connection too.
  if (workload.conns + 100 > OPEN_FILES) {
    console.log(`  skipped: ${workload.conns} sockets need more than this machine's open-files limit (${OPEN_FILES}) per process`);
    continue;
  }
  const runs = [];
  let columns;
  for (let i = 0; i < REPEAT; i++) {
    const run = {};
    for (const client of workload.clients ?? ['wsk', 'bare']) {
      run[client] = await runClient(name, workload, client, seconds, dir);
      if (run[client].error !== undefined) {
        console.log(`${client.padEnd(9)} failed: ${run[client].error}`);
        continue;
      }
      if (columns === undefined) {
        columns = columnsOf([run[client]]);
        console.log(header(columns));
      }
      console.log(row(client, columns, run[client]));
    }
    if (Object.values(run).every((result) => result.error === undefined)) {
      runs.push(run);
      console.log(`  wsk ÷ bare: ${ratios([run])}`);
    }
  }
  if (REPEAT > 1 && runs.length > 0) {
    console.log(`medians of ${runs.length} run(s):`);
    console.log(header(columns));
    for (const client of workload.clients ?? ['wsk', 'bare']) console.log(row(client, columns, medianResult(runs.map((r) => r[client]))));
    console.log(`  wsk ÷ bare (median of per-run ratios): ${ratios(runs)}`);
  }
}
