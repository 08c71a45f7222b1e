/**
 * A fleet larger than the process's open-files limit: wsk warns before the VUs start, the
 * connections past the limit fail with an error that names it (ws_errors{error:open_files}; for
 * HTTP, k6's dial error 1213), the others go on, and the run ends normally with its summary.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startTarget } from '../../src/serve/index.js';
import type { RunningTarget } from '../../src/serve/types.js';
import { scriptDir, wsk } from './harness.js';

type Summary = { metrics: Record<string, { values: Record<string, number> }> };

/** wsk's own files (stdio, esbuild's pipes, its threads' event loops) fit in this with room to spare. */
const OPEN_FILES = 100;
const VUS = 150;

let target: RunningTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

/** wsk's echo target: WebSocket echoes, and the HTTP API's `GET /delay/MS` on the same port. */
async function echoTarget(): Promise<RunningTarget> {
  target = await startTarget('echo');
  return target;
}

async function runCrowded(script: string, target: string): Promise<{ metrics: Summary['metrics']; stderr: string }> {
  const dir = scriptDir({ 'script.ts': script });
  const { code, stderr } = await wsk(['run', '--quiet', 'script.ts', '--summary-export', 'summary.json', '-e', `TARGET=${target}`], { cwd: dir, openFiles: OPEN_FILES });
  expect(stderr).not.toMatch(/internal error|unhandled|stack/i);
  expect(code).toBe(0);
  expect(stderr).toContain(`WARN ${VUS} VUs may need more open files than this process may hold: it may hold ${OPEN_FILES} (\`ulimit -Hn\`)`);
  const file = path.join(dir, 'summary.json');
  expect(existsSync(file)).toBe(true);
  return { metrics: (JSON.parse(readFileSync(file, 'utf8')) as Summary).metrics, stderr };
}

const count = (metrics: Summary['metrics'], key: string): number => metrics[key]?.values['count'] ?? 0;

describe('more VUs than the process may hold connections', () => {
  it('fails the WebSocket connections past the limit as open_files, and the others hold', async () => {
    const { url } = await echoTarget();
    const { metrics, stderr } = await runCrowded(
      `import { open } from 'wsk/ws';
       import { sleep } from 'wsk';
       export const options = {
         scenarios: { hold: { executor: 'per-vu-iterations', vus: ${VUS}, iterations: 1 } },
         thresholds: { 'ws_errors{error:open_files}': ['count>=0'] },
       };
       export default async function () {
         const socket = await open(__ENV.TARGET);
         await sleep(2);
         socket.close();
       }`,
      url,
    );
    expect(stderr).toContain(`ws.open(${url}): open_files: too many open files (EMFILE): this process may hold ${OPEN_FILES}, one per connection`);
    const failed = count(metrics, 'ws_errors{error:open_files}');
    const sessions = count(metrics, 'ws_sessions');
    expect(failed).toBeGreaterThan(0);
    expect(sessions).toBeGreaterThan(0);
    expect(sessions).toBeLessThan(OPEN_FILES);
    expect(sessions + failed).toBe(VUS);
    expect(count(metrics, 'ws_errors')).toBe(failed);
  });

  it("fails the HTTP requests past the limit with k6's dial error 1213, naming the limit", async () => {
    // Answered after 1.5 s, so the VUs' connections are all open at once.
    const url = `${(await echoTarget()).url.replace(/^ws/, 'http')}/delay/1500`;
    const { metrics, stderr } = await runCrowded(
      `import http from 'wsk/http';
       export const options = {
         scenarios: { hold: { executor: 'per-vu-iterations', vus: ${VUS}, iterations: 1 } },
         thresholds: { 'http_reqs{error_code:1213}': ['count>=0'], 'http_reqs{status:200}': ['count>=0'] },
       };
       export default async function () {
         const res = await http.get(__ENV.TARGET);
         if (res.error_code === 1213) console.error(res.error);
       }`,
      url,
    );
    expect(stderr).toContain(`dial: too many open files (EMFILE): this process may hold ${OPEN_FILES}, one per connection`);
    const failed = count(metrics, 'http_reqs{error_code:1213}');
    const answered = count(metrics, 'http_reqs{status:200}');
    expect(failed).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(0);
    expect(failed + answered).toBe(VUS);
  });
});
