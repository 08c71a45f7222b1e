// `npm run bench`: what shared data costs at 10,000 VUs. One script holds nothing, one reads a 10 MB
// CSV into a SharedArray (next() each iteration), one opens a 3 MB binary file with open(path, 'b').
// Each runs with 100 and with 10,000 VUs; the figures are the resident memory above the script that
// holds nothing: a fixed part (the data, held once per isolate: in the worker's and in the lifecycle
// VU's) and what each further VU adds, which held once is about nothing.
// Runs wsk as a child process on this machine only, with no network; one worker, so one isolate.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchDir, WSK } from './processes.mjs';

const PAGE = 4096;
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const VUS = Number(args.get('vus') ?? 10_000);
const FEW = 100;
const SECONDS = Number(args.get('seconds') ?? 10);

const LOOP = `export const options = { vus: Number(__ENV.VUS), duration: __ENV.DURATION };`;
const SCRIPTS = {
  'nothing shared': `import { sleep } from 'wsk';
${LOOP}
export default async function () { await sleep(1); }`,
  'SharedArray, 10 MB CSV': `import { sleep, check } from 'wsk';
import { SharedArray, parseCsv } from 'wsk/data';
${LOOP}
const users = new SharedArray('users', () => parseCsv(open('./users.csv')));
export default async function () {
  check(users.next(), { 'a user': (u) => u !== undefined });
  await sleep(1);
}`,
  "open(path, 'b'), 3 MB": `import { sleep, check } from 'wsk';
${LOOP}
const audio = open('./utterance.bin', 'b');
export default async function () {
  check(audio, { 'the bytes': (a) => a.byteLength === 3 * 1024 * 1024 });
  await sleep(1);
}`,
};

function rss(pid) {
  return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
}

/** Peak resident memory of a run, sampled every 200 ms. */
async function peakRss(dir, script, vus) {
  writeFileSync(path.join(dir, 'bench.ts'), script);
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', WSK, 'run', 'bench.ts', '--quiet', '--workers', '1', '-e', `VUS=${vus}`, '-e', `DURATION=${SECONDS}s`],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rss(child.pid));
    } catch {
      /* the process has exited */
    }
  }, 200);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`wsk exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return peak;
}

const dir = benchDir('data-bench');
const rows = ['id,name,email,plan'];
for (let i = 0; rows.join('\n').length < 10 * 2 ** 20; i += 1000) {
  for (let j = i; j < i + 1000; j++) rows.push(`${j},user number ${j},user${j}@example.com,${j % 3 === 0 ? 'pro' : 'free'}-${'x'.repeat(120)}`);
}
writeFileSync(path.join(dir, 'users.csv'), rows.join('\n'));
writeFileSync(path.join(dir, 'utterance.bin'), Buffer.alloc(3 * 1024 * 1024, 7));

console.log(`wsk data bench: ${FEW} and ${VUS} VUs on one worker (one isolate), ${SECONDS}s per run; peak RSS above the run that shares nothing`);
console.log(`script                         at ${FEW} VUs MB   at ${VUS} VUs MB   per further VU KB`);
const base = {};
for (const [name, script] of Object.entries(SCRIPTS)) {
  const few = (await peakRss(dir, script, FEW)) / 2 ** 20;
  const many = (await peakRss(dir, script, VUS)) / 2 ** 20;
  base.few ??= few;
  base.many ??= many;
  const aboveFew = few - base.few;
  const aboveMany = many - base.many;
  const perVuKB = ((aboveMany - aboveFew) * 1024) / (VUS - FEW);
  console.log(`${name.padEnd(30)} ${aboveFew.toFixed(1).padStart(15)} ${aboveMany.toFixed(1).padStart(17)} ${perVuKB.toFixed(2).padStart(19)}`);
}
