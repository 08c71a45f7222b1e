/**
 * `wsk run --serve`: several built-in targets for one run, each with its own flags, their URLs in
 * __ENV, and every bad value refused before anything starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { runScript, scriptDir, wsk } from './harness.js';

interface Summary {
  metrics: Record<string, { values: Record<string, number> }>;
}
const checksOf = (dir: string): Record<string, number> =>
  (JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary).metrics['checks']!.values;

/** A chat request and its whole reply (every part, then done), as the script's ask() below sends it. */
const ASK = `
  async function ask(url: string): Promise<unknown[]> {
    const s = await open(url);
    const id = __VU * 1000 + __ITER;
    const replies = await s.request(JSON.stringify({ id, text: 'hi' }), {
      match: (m) => JSON.parse(m as string).id === id,
      until: (m) => JSON.parse(m as string).done === true,
      timeout: 10000,
    });
    s.close();
    return replies;
  }`;

describe('wsk run --serve with several targets', () => {
  it('starts a chat and an echo target, each reached through its own __ENV name', async () => {
    const { code, stderr, dir } = await runScript(
      `import { check } from 'wsk';
       import { open } from 'wsk/ws';
       export const options = { vus: 1, iterations: 2, thresholds: { checks: ['rate==1'] } };
       ${ASK}
       export default async function () {
         check(await ask(__ENV.WSK_TARGET_CHAT), { 'chat replies in parts, then done': (r) => r.length === 4 });
         const echo = await open(__ENV.WSK_TARGET_ECHO);
         echo.send('ping ' + __ITER);
         check(await echo.receive(), { 'echo sends it back': (m) => m === 'ping ' + __ITER });
         echo.close();
         check(__ENV, {
           'the first target is also WSK_TARGET': (env) => env.WSK_TARGET === env.WSK_TARGET_CHAT,
           'the two are different servers': (env) => env.WSK_TARGET_CHAT !== env.WSK_TARGET_ECHO,
         });
       }`,
      ['--serve', 'chat', '--serve', 'echo', '--summary-export', 'summary.json'],
    );
    expect(stderr).toMatch(/started the chat target at ws:\/\/127\.0\.0\.1:\d+\n/);
    expect(stderr).toMatch(/started the echo target at ws:\/\/127\.0\.0\.1:\d+\n/);
    expect(code).toBe(0);
    expect(checksOf(dir)).toMatchObject({ passes: 8, fails: 0 });
  });

  it('gives each target its own flags; a second target of a kind is WSK_TARGET_<KIND>_2', async () => {
    const { code, stderr, dir } = await runScript(
      `import { check } from 'wsk';
       import { open } from 'wsk/ws';
       export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };
       ${ASK}
       export default async function () {
         const two = await ask(__ENV.WSK_TARGET_CHAT);
         const five = await ask(__ENV.WSK_TARGET_CHAT_2);
         console.log('parts: ' + (two.length - 1) + ' and ' + (five.length - 1));
         check(null, { 'each target answers with its own --parts': () => two.length === 3 && five.length === 6 });
       }`,
      ['--serve', 'chat --parts 2 --delay 1ms', '--serve', 'chat --parts=5 --jitter 0', '--summary-export', 'summary.json'],
    );
    expect(stderr).toContain('parts: 2 and 5');
    expect(code).toBe(0);
    expect(checksOf(dir)).toMatchObject({ passes: 1, fails: 0 });
  });

  it('leaves a WSK_TARGET name the user set, with -e or in the environment, to the user', async () => {
    const dir = scriptDir({
      'script.ts': `export default function () {
        console.log(['WSK_TARGET', 'WSK_TARGET_CHAT', 'WSK_TARGET_ECHO'].map((name) => name + '=' + __ENV[name]).join(' '));
      }`,
    });
    const { code, stderr } = await wsk(
      ['run', '--quiet', 'script.ts', '--iterations', '1', '--serve', 'chat', '--serve', 'echo', '-e', 'WSK_TARGET_ECHO=ws://from-flag.test'],
      { cwd: dir, env: { WSK_TARGET: 'ws://from-environment.test' } },
    );
    expect(code).toBe(0);
    expect(stderr).toMatch(/WSK_TARGET=ws:\/\/from-environment\.test WSK_TARGET_CHAT=ws:\/\/127\.0\.0\.1:\d+ WSK_TARGET_ECHO=ws:\/\/from-flag\.test/);
    expect(stderr).toMatch(/started the chat target at ws:\/\/127\.0\.0\.1:\d+ \(WSK_TARGET is set, so the script uses that\)\n/);
    expect(stderr).toMatch(/started the echo target at ws:\/\/127\.0\.0\.1:\d+ \(WSK_TARGET_ECHO is set, so the script uses that\)\n/);
  });
});

describe('bad --serve values and targets that cannot start', () => {
  // A port held here: a target told to listen on it fails with a line of its own, so a run whose
  // stderr lacks that line never tried to start it.
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  const SCRIPT = `console.log('init ran');\nexport default function () {}`;

  it.each([
    ['mirror', /^ERROR --serve "mirror": unknown target "mirror"; allowed: echo, chat, voice, each optionally followed by its flags, e\.g\. "chat --drop 0\.01"\n$/],
    ['echo --drop 0.1', /^ERROR --serve "echo --drop 0\.1": the echo target has no flag --drop; allowed: --host, --port\n$/],
    ['chat --frob 1', /^ERROR --serve "chat --frob 1": the chat target has no flag --frob; allowed: --host, --port, --seed, --parts, .*\n$/],
    ['chat --drop', /^ERROR --serve "chat --drop": --drop needs a value\n$/],
    ['chat --drop 2', /^ERROR --serve "chat --drop 2": --drop: invalid value "2"; expected a number from 0 to 1\n$/],
    ['voice --silence soon', /^ERROR --serve "voice --silence soon": --silence: invalid duration "soon"; .*\n$/],
  ])('%j: one line, exit 104, and no target starts', async (value, message) => {
    const { code, stderr } = await runScript(SCRIPT, ['--serve', `echo --port ${busyPort}`, '--serve', value]);
    expect(stderr).toMatch(message);
    expect(code).toBe(104);
  });

  it('a target that cannot start fails the run before the script, and says which', async () => {
    const { code, stderr } = await runScript(SCRIPT, ['--serve', 'echo', '--serve', `chat --port ${busyPort}`]);
    expect(stderr).toContain(`wsk serve: cannot listen on 127.0.0.1:${busyPort}`);
    expect(stderr).toMatch(/^ERROR wsk serve chat: exited \(code 104\) before it was listening; its stderr is above$/m);
    expect(stderr).not.toContain('started the');
    expect(stderr).not.toContain('init ran');
    expect(code).toBe(104);
  });
});
