// `npm run bench`, soak part (issue 9): does wsk's memory stay flat over minutes of traffic that used
// to grow it without end? One `wsk run --serve echo` (the target is wsk's own child process) runs:
//
//   urls     5 VUs in a closed loop, each iteration two GETs of URLs never requested before: one named
//            with http.url (its series are keyed by the name), one unnamed (its series fold into
//            url="(other)" once the metric has 10,000)
//   sockets  500 VUs each holding one WebSocket, a message every 5 s
//
// The RSS of every process of the tree (wsk and the target) is sampled every 2 s from /proc. After a
// warm-up (a quarter of the run, at least 30 s: the sockets open, the unnamed URLs reach the series
// limit), it prints the RSS at the start, the middle and the end of the rest, each the median of the
// samples of a 10 s window, and end ÷ start: flat when the middle and the end are within 10 % of
// the start. The exit code is 1 when they are not, or when the run failed.
//
// Flags: --minutes=3 (the whole run)  --wsk=path/to/bin/wsk.js (another build, to compare)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, eachLine, median, procStat, sleep, WSK } from '../bench/processes.mjs';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const MINUTES = Number(args.get('minutes') ?? 3);
const BINARY = path.resolve(args.get('wsk') ?? WSK);
const RUN_S = Math.round(MINUTES * 60);
const WARM_S = Math.max(30, Math.round(RUN_S / 4));
const WINDOW_S = 10;
const SAMPLE_MS = 2000;
const FLAT = 0.1;
const SOCKETS = 500;
const URL_VUS = 5;

if (!(RUN_S >= WARM_S + 3 * WINDOW_S)) {
  console.log(`soak: --minutes=${MINUTES} leaves no room after the ${WARM_S} s warm-up; use at least ${(WARM_S + 3 * WINDOW_S) / 60} minutes`);
  process.exit(1);
}

const SCRIPT = `import http from 'wsk/http';
import ws from 'wsk/ws';
import { sleep } from 'wsk';
import type { Socket } from 'wsk/ws';

const TARGET = __ENV.WSK_TARGET!;
const HTTP = TARGET.replace(/^ws/, 'http');

export const options = {
  scenarios: {
    urls: { executor: 'constant-vus', vus: ${URL_VUS}, duration: '${RUN_S}s', exec: 'urls' },
    sockets: { executor: 'constant-vus', vus: ${SOCKETS}, duration: '${RUN_S}s', exec: 'sockets' },
  },
};

export async function urls() {
  const id = __VU + '-' + __ITER;
  await http.get(http.url\`\${HTTP}/health?named=\${id}\`);
  await http.get(\`\${HTTP}/health?unnamed=\${id}\`);
}

let socket: Socket | undefined;
export async function sockets() {
  if (socket === undefined) {
    socket = await ws.open(TARGET);
    socket.on('message', () => {});
  }
  socket.send('ping');
  await sleep(5);
}
`;

/** The pid and every descendant of it, from the parent pids in /proc. */
function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(entry));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** RSS of the tree, in bytes, with each process's share; processes that exit meanwhile count as 0. */
function treeRss(root) {
  const parts = [];
  for (const pid of processTree(root)) {
    try {
      parts.push({ pid, rssBytes: procStat(pid).rssBytes });
    } catch {
      // exited
    }
  }
  return { total: parts.reduce((sum, part) => sum + part.rssBytes, 0), parts };
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main() {
  const dir = benchDir('soak');
  writeFileSync(path.join(dir, 'soak.ts'), SCRIPT);
  console.log(
    `wsk soak: ${os.cpus().length} cores, node ${process.version}, ${MINUTES} min (${WARM_S} s warm-up): ` +
      `${URL_VUS} VUs requesting unique URLs (named and unnamed), ${SOCKETS} sockets; ${path.relative(process.cwd(), BINARY) || BINARY}`,
  );
  // Each process may hold a socket per VU, and the target one per connection.
  const argv = [process.execPath, '--no-node-snapshot', BINARY, 'run', 'soak.ts', '--serve', 'echo', '--summary-export', 'soak-summary.json'];
  const child = spawn('bash', ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'soak', ...argv], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), (RUN_S + 180) * 1000);
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? signal)));
  let tail = [];
  const warnings = [];
  let startedAt;
  const started = new Promise((resolve) => {
    const onLine = (line) => {
      tail = [...tail.slice(-4), line];
      if (line.startsWith('WARN')) warnings.push(line);
      if (/^initialised \d+ VUs/.test(line)) {
        startedAt = performance.now();
        resolve();
      }
    };
    eachLine(child.stdout, onLine);
    eachLine(child.stderr, onLine);
  });
  try {
    const outcome = await Promise.race([started.then(() => sample(child.pid, startedAt)), exited.then((code) => ({ error: `exited (${code}) before the load started` }))]);
    const code = await exited;
    if (outcome.error !== undefined || code !== 0) {
      console.log(`soak failed: ${outcome.error ?? `wsk exited with ${code}`}: ${tail.join(' | ')}`);
      process.exitCode = 1;
      return;
    }
    report(outcome, path.join(dir, 'soak-summary.json'), warnings);
  } finally {
    clearTimeout(killer);
  }
}

/** RSS samples from the warm-up's end to the run's end: { atS, total, parts }[] (atS from `startedAt`, the load's start). */
async function sample(pid, startedAt) {
  const samples = [];
  const endMs = startedAt + (RUN_S - 1) * 1000;
  await sleep(startedAt + WARM_S * 1000 - performance.now());
  while (performance.now() < endMs) {
    const atS = (performance.now() - startedAt) / 1000;
    const rss = treeRss(pid);
    if (rss.parts.length === 0) return { error: 'wsk exited during the run' };
    samples.push({ atS, ...rss });
    await sleep(Math.min(SAMPLE_MS, endMs - performance.now()));
  }
  return { samples };
}

function report({ samples }, summaryFile, warnings) {
  const measuredS = RUN_S - 1 - WARM_S;
  const windowAt = (fromS) => {
    const inWindow = samples.filter((s) => s.atS >= fromS && s.atS < fromS + WINDOW_S);
    return { fromS, rss: median(inWindow.map((s) => s.total)), count: inWindow.length };
  };
  const points = [
    ['start', windowAt(WARM_S)],
    ['middle', windowAt(WARM_S + measuredS / 2 - WINDOW_S / 2)],
    ['end', windowAt(RUN_S - 1 - WINDOW_S)],
  ];
  for (const [name, point] of points) {
    console.log(`  RSS ${name.padEnd(6)} (${point.fromS.toFixed(0).padStart(4)}-${(point.fromS + WINDOW_S).toFixed(0)} s, ${point.count} samples): ${mb(point.rss)}`);
  }
  const [start, middle, end] = points.map(([, point]) => point.rss);
  const last = samples.at(-1);
  console.log(`  by process at the end: ${last.parts.map((part) => `${part.pid === last.parts[0].pid ? 'wsk' : `pid ${part.pid}`} ${mb(part.rssBytes)}`).join(', ')}`);
  const flat = Math.abs(middle / start - 1) <= FLAT && Math.abs(end / start - 1) <= FLAT;
  console.log(`  end ÷ start: ${(end / start).toFixed(3)} (middle ÷ start ${(middle / start).toFixed(3)}): ${flat ? 'flat' : 'NOT flat'} within ${FLAT * 100} %`);
  const metrics = JSON.parse(readFileSync(summaryFile, 'utf8')).metrics;
  console.log(
    `  http_reqs ${metrics.http_reqs?.values.count ?? 0} (${(metrics.http_reqs?.values.rate ?? 0).toFixed(0)}/s), ` +
      `ws_sessions ${metrics.ws_sessions?.values.count ?? 0}, ws_msgs_received ${metrics.ws_msgs_received?.values.count ?? 0}, ` +
      `http_req_failed ${metrics.http_req_failed?.values.passes ?? 0}, series-limit warnings ${warnings.length}`,
  );
  if (!flat) process.exitCode = 1;
}

await main();
