// `npm run bench`, HTTP part (issue 4's H1): what wsk costs per HTTP request, next to a bare node:http
// keep-alive loop (test/bench/bare-http-client.mjs) doing the same work in the same run. Every run gets
// a fresh `wsk serve echo` in its own process; generator and server are pinned to different cores when
// `taskset` exists. CPU is read from /proc.
//
//   H1  50 VUs, closed loop of keep-alive `GET /health`, one connection per VU: requests/s and
//       requests per generator CPU-second; goal: wsk ≥ 0.6 × the bare loop per CPU-second.
//
// Flags: --seconds=20  --repeat=3 (prints medians)  --vus=50
//        --clients=bare (only the bare loop; default wsk,bare)
//        --wsk-args=--workers,2 (flags for wsk run; default --workers 1 when pinned)
//
// Figures come from a steady window: after a warm-up (connections opening) and before the tail (VUs
// stopping, wsk's summary), the generator's CPU and the server's bytes written are read from /proc.
// Every /health answer has the same size, so the server's bytes count the requests of either client
// the same way; the size is calibrated per run from the client's own total (the bare loop's counter,
// wsk's `http_reqs` from --summary-export) and the server's bytes over the whole run.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, bytesWritten, eachLine, GENERATOR_CORE, measureWindow, median, PINNED, ROOT, SERVER_CORE, spawnOn, startEchoServer, WSK } from './processes.mjs';

const BARE = path.join(ROOT, 'test', 'bench', 'bare-http-client.mjs');
const GOAL = 0.6;
const CLIENTS = ['wsk', 'bare'];

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const SECONDS = Number(args.get('seconds') ?? 20);
const REPEAT = Number(args.get('repeat') ?? 1);
const VUS = Number(args.get('vus') ?? 50);
const SELECTED = (args.get('clients') ?? CLIENTS.join(',')).split(',');
// Pinned to one core, wsk gets one worker thread, as the bare client has one thread.
const WSK_ARGS = args.has('wsk-args') ? args.get('wsk-args').split(',') : PINNED ? ['--workers', '1'] : [];

const SCRIPT = `import http from 'wsk/http';
export const options = { vus: Number(__ENV.VUS), duration: __ENV.DURATION };
export default async function () { await http.get(\`\${__ENV.URL}/health\`); }
`;

/** Runs one client ('wsk' or 'bare') for `seconds` against a fresh server: its requests and the CPU they took. */
async function runClient(client, seconds, dir) {
  const started = await startEchoServer();
  const server = { ...started, url: started.url.replace(/^ws/, 'http') };
  const argv =
    client === 'wsk'
      ? [process.execPath, '--no-node-snapshot', WSK, 'run', 'H1.ts', ...WSK_ARGS, '-e', `URL=${server.url}`, '-e', `VUS=${VUS}`,
         '-e', `DURATION=${seconds}s`, '--summary-export', 'H1-summary.json']
      : [process.execPath, BARE, `--url=${server.url}/health`, `--vus=${VUS}`, `--seconds=${seconds}`];
  const child = spawnOn(GENERATOR_CORE, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  // A stalled run must not hang the bench: allow for creating the VUs, the run, and a graceful stop.
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + 120) * 1000);
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  let tail = [];
  let bareDone;
  let serverFrom;
  let window;
  const onLine = (line) => {
    tail = [...tail.slice(-4), line];
    if (serverFrom === undefined && /^initialised \d+ VUs|^opening$/.test(line)) {
      serverFrom = bytesWritten(server.pid);
      window = measureWindow(child.pid, server.pid, seconds);
    }
    if (line.startsWith('done ')) bareDone = JSON.parse(line.slice('done '.length));
  };
  eachLine(child.stdout, onLine);
  eachLine(child.stderr, onLine);
  try {
    const code = await exited;
    const measured = await window;
    if (code !== 0 || measured === undefined || measured.error !== undefined) {
      return { error: `${measured?.error ?? (serverFrom === undefined ? 'exited before the load started' : `exit ${code}`)}: ${tail.join(' | ')}` };
    }
    const outcome = client === 'wsk' ? wskOutcome(path.join(dir, 'H1-summary.json')) : bareDone;
    if (outcome === undefined) return { error: `no "done" line: ${tail.join(' | ')}` };
    const bytesPerAnswer = (bytesWritten(server.pid) - serverFrom) / outcome.requests;
    const requests = measured.bytes / bytesPerAnswer;
    return {
      requests: outcome.requests,
      errors: outcome.errors,
      requestsPerSecond: requests / measured.seconds,
      requestsPerCpuSecond: requests / measured.cpu,
      cpuShare: measured.cpu / measured.seconds,
    };
  } finally {
    clearTimeout(killer);
    await server.stop();
  }
}

function wskOutcome(file) {
  const summary = JSON.parse(readFileSync(file, 'utf8'));
  const { metrics } = summary;
  const requests = metrics.http_reqs?.values.count ?? 0;
  // A Rate's `passes` are its non-zero samples: here, the failed requests.
  const errors = metrics.http_req_failed?.values.passes ?? 0;
  return { requests, errors };
}

// ---- report ----

const COLUMNS = [
  { key: 'requestsPerSecond', title: 'req/s', digits: 0 },
  { key: 'requestsPerCpuSecond', title: 'req/CPU-s', digits: 0 },
  { key: 'cpuShare', title: 'CPU share', digits: 2 },
  { key: 'requests', title: 'requests', digits: 0 },
  { key: 'errors', title: 'errors', digits: 0 },
];


function header() {
  return `${'client'.padEnd(8)}${COLUMNS.map((c) => ` ${c.title.padStart(10)}`).join('')}`;
}

function row(label, result) {
  return `${label.padEnd(8)}${COLUMNS.map((c) => ` ${(result[c.key] === undefined ? '-' : result[c.key].toFixed(c.digits)).padStart(10)}`).join('')}`;
}

function ratioLine(ratio, what) {
  return `  wsk ÷ bare, requests per CPU-second${what}: ${ratio.toFixed(2)}× (goal ≥ ${GOAL}×: ${ratio >= GOAL ? 'met' : 'NOT met'})`;
}

// ---- main ----

const unknown = SELECTED.filter((client) => !CLIENTS.includes(client));
if (unknown.length > 0 || !(SECONDS > 0) || !(REPEAT >= 1) || !(VUS >= 1)) {
  console.error(`http-bench: expected --clients from ${CLIENTS.join(',')} (got ${JSON.stringify(unknown)}), --seconds > 0, --repeat >= 1, --vus >= 1`);
  process.exit(2);
}
const dir = benchDir('http-bench');
writeFileSync(path.join(dir, 'H1.ts'), SCRIPT);

console.log(
  `wsk http bench: ${os.cpus().length} cores, node ${process.version}, ` +
    (PINNED ? `generator on core ${GENERATOR_CORE}, server on core ${SERVER_CORE}` : 'taskset not found: generator and server NOT pinned') +
    `, ${REPEAT} run(s) each${SELECTED.includes('wsk') && WSK_ARGS.length > 0 ? `, wsk run ${WSK_ARGS.join(' ')}` : ''}`,
);
console.log(`\nH1: ${VUS} VUs, closed-loop keep-alive GET /health, ${SECONDS} s`);
console.log(header());
const runs = [];
for (let i = 0; i < REPEAT; i++) {
  const run = {};
  for (const client of CLIENTS.filter((c) => SELECTED.includes(c))) {
    run[client] = await runClient(client, SECONDS, dir);
    console.log(run[client].error === undefined ? row(client, run[client]) : `${client.padEnd(8)} failed: ${run[client].error}`);
  }
  runs.push(run);
  const ratio = run.wsk?.requestsPerCpuSecond / run.bare?.requestsPerCpuSecond;
  if (Number.isFinite(ratio)) console.log(ratioLine(ratio, ''));
}
if (REPEAT > 1) {
  console.log(`medians of ${REPEAT} runs (failed runs left out):`);
  console.log(header());
  for (const client of CLIENTS.filter((c) => SELECTED.includes(c))) {
    const results = runs.map((run) => run[client]).filter((result) => result.error === undefined);
    if (results.length === 0) continue;
    console.log(row(client, Object.fromEntries(COLUMNS.map((c) => [c.key, median(results.map((r) => r[c.key]))]))));
  }
  const ratio = median(runs.map((run) => run.wsk?.requestsPerCpuSecond / run.bare?.requestsPerCpuSecond));
  if (ratio !== undefined) console.log(ratioLine(ratio, ' (median of per-run ratios)'));
}
