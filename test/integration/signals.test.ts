/**
 * How a run's processes end: real signals to the real launcher (bin/wsk.js), which runs the CLI in a
 * child process, which may start a `--serve` target. No process of a run may outlive it, and a second
 * Ctrl+C must not wait for a VU stuck in an endless loop (--call-timeout 60s keeps it stuck).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptDir, start, type Running } from './harness.js';

/** The parent of every process, from /proc/<pid>/stat (its name, in parentheses, may hold spaces). */
function parents(): Map<number, number> {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // It ended while we listed.
    }
  }
  return parent;
}

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  const parent = parents();
  const found: number[] = [];
  const below = (p: number): void => {
    for (const [child, of] of parent) {
      if (of !== p) continue;
      found.push(child);
      below(child);
    }
  };
  below(pid);
  return found;
}

/** Running, not a zombie waiting for its new parent to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The real run: the launcher's child. */
function cliProcess(running: Running): number {
  const [pid] = descendants(running.child.pid!);
  if (pid === undefined) throw new Error('the launcher has no child process');
  return pid;
}

/** Whether something accepts connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const STUCK_VU = `export const options = { vus: 1, duration: '60s' };
  export default function () { while (true) {} }`;

describe('the processes of a run', () => {
  it('go with the launcher when it is killed (SIGKILL), after stopping the run and writing its files', async () => {
    const dir = scriptDir({
      'script.ts': `import { sleep } from 'wsk';
        export const options = { vus: 2, duration: '60s' };
        export default async function () { await sleep(0.1); }`,
    });
    const running = start(['run', 'script.ts', '--workers', '1', '--summary-export', 'summary.json', '--out', 'json=results.json'], { cwd: dir });
    await running.waitFor('initialised 2 VUs');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const processes = descendants(running.child.pid!);
    expect(processes.length).toBeGreaterThan(0);
    running.child.kill('SIGKILL');
    await until(() => !processes.some(alive), 8_000, `processes ${processes.join(', ')} of the run ended`);
    const { stderr } = await running.done;
    expect(stderr).toContain('SIGTERM received: stopping the test');
    expect(existsSync(path.join(dir, 'summary.json'))).toBe(true);
    expect(existsSync(path.join(dir, 'results.json'))).toBe(true);
  });

  it('end at once on a second Ctrl+C while a VU is stuck in an endless loop: exit 105', async () => {
    const dir = scriptDir({ 'script.ts': STUCK_VU });
    const running = start(['run', 'script.ts', '--workers', '1', '--call-timeout', '60s'], { cwd: dir });
    await running.waitFor('initialised 1 VUs');
    const cli = cliProcess(running);
    running.child.kill('SIGINT');
    await running.waitFor('SIGINT received');
    const started = Date.now();
    running.child.kill('SIGINT');
    const { code, stderr } = await running.done;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(105);
    expect(stderr).toContain('SIGINT again: exiting now');
    expect(stderr).not.toMatch(/Assertion|core dumped/);
    expect(alive(cli)).toBe(false);
  });

  it("end with the run's own exit code when a thread stuck in an endless loop outlives the run: the CLI tells the launcher before it ends itself", async () => {
    const dir = scriptDir({
      'script.ts': `export const options = { vus: 1, iterations: 1, setupTimeout: '1s' };
        export function setup() { while (true) {} }
        export default function () {}`,
    });
    const running = start(['run', 'script.ts', '--workers', '1', '--call-timeout', '60s'], { cwd: dir });
    await running.waitFor('initialised 1 VUs');
    const cli = cliProcess(running);
    const { code, stderr } = await running.done;
    // setup() timed out: 107, where a CLI that ended itself with SIGKILL unannounced would read 105.
    expect(code, stderr).toBe(107);
    expect(stderr).not.toMatch(/Assertion|core dumped/);
    expect(alive(cli)).toBe(false);
  });

  it('stop at once on Ctrl+C during an endless loop in setup(): exit 105, with the summary and its file, without teardown', async () => {
    const dir = scriptDir({
      'script.ts': `export const options = { vus: 1, duration: '60s' };
        export function setup() { while (true) {} }
        export default function () {}
        export function teardown() { console.log('teardown ran'); }`,
    });
    const running = start(['run', 'script.ts', '--workers', '1', '--call-timeout', '60s', '--summary-export', 'summary.json'], { cwd: dir });
    await running.waitFor('initialised 1 VUs');
    // setup() starts right after; its own output cannot show it, as it never leaves the loop.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = Date.now();
    running.child.kill('SIGINT');
    const { code, stdout, stderr } = await running.done;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(code).toBe(105);
    expect(stderr).toContain('stopped during setup()');
    expect(stderr).not.toContain('teardown ran');
    expect(stdout).toMatch(/vus_max\.+: 1\b/);
    expect(existsSync(path.join(dir, 'summary.json'))).toBe(true);
  });

  it('include the --serve target, which goes with the run on a second Ctrl+C', async () => {
    const dir = scriptDir({ 'script.ts': STUCK_VU });
    const running = start(['run', 'script.ts', '--workers', '1', '--call-timeout', '60s', '--serve', 'echo'], { cwd: dir });
    const line = /started the echo target at ws:\/\/127\.0\.0\.1:(\d+)/;
    await running.waitFor(line);
    const port = Number(line.exec(running.output())![1]);
    await running.waitFor('initialised 1 VUs');
    expect(await accepts(port)).toBe(true);
    running.child.kill('SIGINT');
    await running.waitFor('SIGINT received');
    running.child.kill('SIGINT');
    const { code } = await running.done;
    expect(code).toBe(105);
    const deadline = Date.now() + 3_000;
    while ((await accepts(port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await accepts(port)).toBe(false);
  });
});
