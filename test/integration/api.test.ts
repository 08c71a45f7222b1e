// The CLI as an API: in-process, with in-memory output and signals raised by the test.
import { describe, expect, it } from 'vitest';
import { cli } from '../../src/cli/main.js';
import { memoryIo } from '../../src/io.js';
import { scriptDir } from './harness.js';

describe('cli() with an in-memory io', () => {
  it('runs a script and returns the exit code, writing only to the given streams', async () => {
    const dir = scriptDir({
      'script.ts': `import { check } from 'wsk';
        export const options = { vus: 2, iterations: 6, thresholds: { checks: ['rate==1'] } };
        export default function () { check(__ENV.MODE, { 'mode from env': (m) => m === 'test' }); console.log('hello from ' + __VU); }`,
    });
    const io = memoryIo({ cwd: dir, env: { MODE: 'test' } });
    const code = await cli(['run', '--quiet', 'script.ts'], io);
    expect(io.err()).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(io.out()).toContain('✓ mode from env');
    expect(io.out()).toMatch(/iterations\.+: 6\b/);
    expect(io.err()).toMatch(/INFO \[VU [12]\] hello from [12]/);
  });

  it('stops gracefully on a raised signal: exit 105 with the summary', async () => {
    const dir = scriptDir({
      'script.ts': `import { sleep } from 'wsk';
        export const options = { vus: 2, duration: '1m' };
        export default async function () { await sleep(0.05); }
        export function teardown() { console.log('teardown after stop'); }`,
    });
    const io = memoryIo({ cwd: dir });
    const running = cli(['run', 'script.ts'], io);
    const deadline = Date.now() + 30_000;
    while (!io.err().includes('initialised') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    io.raise('SIGINT');
    expect(await running).toBe(105);
    expect(io.err()).toContain('teardown after stop');
    expect(io.out()).toMatch(/iterations\.+: \d+/);
  });

  it('answers bad flags with exit 104 and one line', async () => {
    const io = memoryIo();
    expect(await cli(['run', 'x.ts', '--isolation', 'none'], io)).toBe(104);
    expect(io.err().trim().split('\n')).toHaveLength(1);
    expect(io.err()).toMatch(/'none' is invalid. Allowed choices are compartment, context/);
  });
});
