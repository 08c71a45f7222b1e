// `npm run bench`: what a VU costs. For a script whose iterations do nothing but check() and
// sleep(1), at several fleet sizes and both isolation levels: time to initialise the VUs, resident
// memory per VU, and iterations per CPU-second. wsk runs as a child process (the real CLI); its
// memory and CPU are read from /proc while it runs. Loads only run on this machine, with no network.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDir, WSK } from './processes.mjs';

const TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const SIZES = (args.get('sizes') ?? '1000,10000,50000').split(',').map(Number);
const ISOLATIONS = (args.get('isolation') ?? 'compartment,context').split(',');
const SECONDS = Number(args.get('seconds') ?? 15);
/** Further flags for wsk run, e.g. --extra=--vus-per-isolate,5000 */
const EXTRA = args.has('extra') ? args.get('extra').split(',') : [];

const SCRIPT = `import { check, sleep } from 'wsk';
export const options = { vus: Number(__ENV.VUS), duration: __ENV.DURATION };
export default async function () {
  check(1, { 'is one': (v) => v === 1 });
  await sleep(1);
}
`;

function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
  const rssBytes = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  return { cpuSeconds, rssBytes };
}

async function measure(isolation, vus, dir) {
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', WSK, 'run', 'bench.ts', ...EXTRA, '--isolation', isolation, '-e', `VUS=${vus}`, '-e', `DURATION=${SECONDS}s`, '--summary-export', 'summary.json'],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let baseline;
  let afterInit;
  let initMs;
  let last;
  let peakRss = 0;
  const sampler = setInterval(() => {
    try {
      last = procStat(child.pid);
      peakRss = Math.max(peakRss, last.rssBytes);
    } catch {
      /* the process has exited */
    }
  }, 200);
  child.stderr.on('data', (chunk) => {
    stderr += chunk.toString();
    if (baseline === undefined && stderr.includes('initialising')) baseline = procStat(child.pid);
    const done = /initialised \d+ VUs in (\d+) ms/.exec(stderr);
    if (afterInit === undefined && done) {
      initMs = Number(done[1]);
      afterInit = procStat(child.pid);
    }
  });
  // Steady state: after a few seconds of iterations the VUs' heaps have grown to their working size.
  const steady = new Promise((resolve) => {
    const wait = setInterval(() => {
      if (afterInit === undefined) return;
      clearInterval(wait);
      setTimeout(() => {
        try {
          resolve(procStat(child.pid));
        } catch {
          resolve(undefined);
        }
      }, Math.min(5, SECONDS / 2) * 1000);
    }, 100);
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  const steadyStat = await steady;
  if (code !== 0 || baseline === undefined || afterInit === undefined || steadyStat === undefined) {
    return { isolation, vus, error: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` };
  }
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8'));
  const iterations = summary.metrics.iterations.values.count;
  const runCpu = last.cpuSeconds - afterInit.cpuSeconds;
  return {
    isolation,
    vus,
    initMs,
    rssPerVuKB: (steadyStat.rssBytes - baseline.rssBytes) / vus / 1024,
    peakRssMB: peakRss / 2 ** 20,
    iterations,
    iterationsPerCpuSecond: iterations / runCpu,
    iterationP95Ms: summary.metrics.iteration_duration.values['p(95)'],
  };
}

const dir = benchDir('bench');
writeFileSync(path.join(dir, 'bench.ts'), SCRIPT);
console.log(`wsk bench: check() + sleep(1) per iteration, ${SECONDS}s per run, ${os.cpus().length} cores, node ${process.version}`);
console.log('isolation     VUs     init ms   RSS/VU KB  peak RSS MB  iterations  iter/CPU-s  iter p95 ms');
for (const isolation of ISOLATIONS) {
  for (const vus of SIZES) {
    const r = await measure(isolation, vus, dir);
    if (r.error) {
      console.log(`${isolation.padEnd(12)} ${String(vus).padStart(6)}  failed: ${r.error}`);
      continue;
    }
    console.log(
      `${isolation.padEnd(12)} ${String(vus).padStart(6)} ${String(r.initMs).padStart(10)} ${r.rssPerVuKB.toFixed(1).padStart(11)} ${r.peakRssMB
        .toFixed(0)
        .padStart(12)} ${String(r.iterations).padStart(11)} ${r.iterationsPerCpuSecond.toFixed(0).padStart(11)} ${r.iterationP95Ms.toFixed(0).padStart(12)}`,
    );
  }
}
