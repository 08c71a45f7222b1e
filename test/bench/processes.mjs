// What the benchmarks share: starting pinned processes, reading their CPU, memory and bytes written
// from /proc, the built-in echo target in its own process, and the steady window they measure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WSK = path.join(ROOT, 'bin', 'wsk.js');
export const GENERATOR_CORE = 1;
export const SERVER_CORE = 0;
export const PINNED = spawnSync('bash', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
const TICKS = 100; // USER_HZ on Linux
const PAGE = 4096;
/** Asked of the shell before each process starts; where the hard limit is lower, the hard limit is used. */
const WANTED_OPEN_FILES = 200_000;
const RAISE_OPEN_FILES = `ulimit -n ${WANTED_OPEN_FILES} 2>/dev/null || ulimit -n "$(ulimit -Hn)"`;

/** The open-files limit the benchmarks' processes get. */
export const OPEN_FILES = Number(spawnSync('bash', ['-c', `${RAISE_OPEN_FILES}; ulimit -n`], { encoding: 'utf8' }).stdout);

/** A fresh temporary directory for a bench's scripts and summaries, removed when the process exits. */
export function benchDir(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `wsk-${name}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS,
    rssBytes: Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE,
  };
}

/** Bytes the process has written through write(2) and friends: for a server, its sockets. */
export function bytesWritten(pid) {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))[1]);
}

export function openFiles(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Starts argv on `core` (when pinning is possible) with the open-files limit raised. */
export function spawnOn(core, argv, options) {
  const pin = PINNED ? ['taskset', '-c', String(core)] : [];
  // bash and taskset both exec, so the child's pid is the Node process being measured.
  return spawn('bash', ['-c', `${RAISE_OPEN_FILES}; exec "$@"`, 'bench', ...pin, ...argv], options);
}

/**
 * Like spawnOn, but the shell waits for the process and writes `cpu-seconds USER SYSTEM` as its last
 * line on stderr: bash's `time`, from wait4's rusage of the exited process (all its threads, and the
 * children it waited for). The child's pid is the shell's.
 */
export function spawnTimed(core, argv, options) {
  const pin = PINNED ? ['taskset', '-c', String(core)] : [];
  return spawn('bash', ['-c', `${RAISE_OPEN_FILES}; TIMEFORMAT='cpu-seconds %3U %3S'; time "$@"`, 'bench', ...pin, ...argv], options);
}

/** The seconds of CPU in a `cpu-seconds USER SYSTEM` line of spawnTimed, or undefined for another line. */
export function timedCpuSeconds(line) {
  const times = /^cpu-seconds (\d+\.\d+) (\d+\.\d+)$/.exec(line);
  return times === null ? undefined : Number(times[1]) + Number(times[2]);
}

/** Calls `onLine` for each line the stream writes. */
export function eachLine(stream, onLine) {
  let rest = '';
  stream.on('data', (chunk) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop();
    for (const line of lines) onLine(line);
  });
}

/** `wsk serve echo` on the server core: its ws:// URL, its pid, and stop(). */
export async function startEchoServer() {
  const child = spawnOn(SERVER_CORE, [process.execPath, '--no-node-snapshot', WSK, 'serve', 'echo', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk) => {
      output += chunk.toString();
      const listening = /listening on (ws:\/\/\S+)/.exec(output);
      if (listening) resolve(listening[1]);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('close', (code) => reject(new Error(`wsk serve echo exited with ${code}: ${output.trim()}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        child.on('close', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Warm-up and tail left out of a CPU window: connections opening at the start, VUs stopping at the end. */
export function cpuWindow(seconds) {
  const warm = Math.min(3, Math.max(1, seconds * 0.15));
  const tail = Math.min(2, Math.max(0.5, seconds * 0.1));
  return { warmMs: warm * 1000, windowMs: (seconds - warm - tail) * 1000 };
}

/** The generator's CPU and the server's bytes written over the steady window of a run of `seconds`. */
export async function measureWindow(pid, serverPid, seconds) {
  const { warmMs, windowMs } = cpuWindow(seconds);
  await sleep(warmMs);
  try {
    const from = { cpu: procStat(pid).cpuSeconds, bytes: bytesWritten(serverPid) };
    await sleep(windowMs);
    return { cpu: procStat(pid).cpuSeconds - from.cpu, bytes: bytesWritten(serverPid) - from.bytes, seconds: windowMs / 1000 };
  } catch (error) {
    return { error: `the generator exited during the window (${error.message})` };
  }
}

export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
