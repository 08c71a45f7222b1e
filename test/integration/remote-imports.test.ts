// Modules imported by URL, through `wsk run`: served over HTTPS by a server on 127.0.0.1 with the
// test certificate in test/fixtures/remote (which the spawned wsk trusts through
// NODE_EXTRA_CA_CERTS), and over plain HTTP from 127.0.0.1. Each test has its own module cache.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, scriptDir, wsk, type RunResult } from './harness.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'remote');

/** Serves `files` (path → body, or a redirect) and remembers every path asked for. */
interface ModuleServer {
  readonly url: string;
  readonly files: Map<string, string | { readonly redirect: string }>;
  readonly requests: string[];
  close(): Promise<void>;
}

async function moduleServer(secure: boolean): Promise<ModuleServer> {
  const files = new Map<string, string | { readonly redirect: string }>();
  const requests: string[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    requests.push(url);
    const file = files.get(url);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else if (typeof file === 'string') {
      response.writeHead(200, { 'content-type': 'application/javascript' }).end(file);
    } else {
      response.writeHead(302, { location: file.redirect }).end();
    }
  };
  const tls = { key: readFileSync(path.join(FIXTURES, 'key.pem')), cert: readFileSync(path.join(FIXTURES, 'cert.pem')) };
  const server: Server = secure ? createHttpsServer(tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${secure ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    files,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let secure: ModuleServer;
let plain: ModuleServer;
let cache: string;

beforeAll(async () => {
  [secure, plain] = await Promise.all([moduleServer(true), moduleServer(false)]);
});
afterAll(async () => {
  await Promise.all([secure.close(), plain.close()]);
});
beforeEach(() => {
  secure.files.clear();
  secure.requests.length = 0;
  plain.files.clear();
  plain.requests.length = 0;
  cache = freshCache();
});

function freshCache(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'wsk-module-cache-')), 'modules');
}

/** `wsk <args>` in `dir`, trusting the test certificate, with `cacheDir` as the module cache and CI unset. */
function run(dir: string, args: readonly string[], env: Record<string, string> = {}, cacheDir = cache): Promise<RunResult> {
  return wsk(args, { cwd: dir, env: { NODE_EXTRA_CA_CERTS: path.join(FIXTURES, 'cert.pem'), WSK_MODULE_CACHE: cacheDir, CI: '', ...env } });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function lockOf(dir: string): unknown {
  return JSON.parse(readFileSync(path.join(dir, 'wsk.lock.json'), 'utf8'));
}

type Summary = { metrics: Record<string, { values: Record<string, number> }> };

/** A k6 helper library as jslib publishes them: an index importing its parts by relative path, one of them using k6/http. */
function publishUtils(version: string): Record<string, string> {
  const files = {
    '/libs/utils/1.0/index.js': "export { randomItem } from './random.js';\nexport { fetchStatus, explode } from '../../shared/http.js';\n",
    '/libs/utils/1.0/random.js': `export function randomItem(items) { return items[0]; }\nexport const VERSION = '${version}';\n`,
    '/libs/shared/http.js': [
      "import http from 'k6/http';",
      'export function fetchStatus(url) { return http.get(url).status; }',
      "export function explode() { throw new Error('exploded in a remote module'); }",
      '',
    ].join('\n'),
  };
  for (const [file, body] of Object.entries(files)) secure.files.set(file, body);
  return files;
}

describe('remote module imports', () => {
  it('fetches an https module and its relative imports, a k6/http call inside it runs, http from 127.0.0.1 too; the lock and cache are written', async () => {
    const published = publishUtils('1');
    plain.files.set('/plain.js', 'export const greeting = "hello over http";\n');
    plain.files.set('/ping', 'pong');
    const dir = scriptDir({
      'script.ts': `import { check } from 'k6';
import { randomItem, fetchStatus, explode } from '${secure.url}/libs/utils/1.0/index.js';
import { greeting } from '${plain.url}/plain.js';

export const options = { iterations: 2 };

export default function (): void {
  const status: number = fetchStatus('${plain.url}/ping');
  check(status, { 'k6/http in a remote module': (s) => s === 200 });
  check(randomItem(['a', 'b']), { 'remote helper': (item) => item === 'a' });
  check(greeting, { 'http from 127.0.0.1': (text) => text === 'hello over http' });
  if (__ITER === 1) explode();
}
`,
    });
    const { code, stderr } = await run(dir, ['run', '--quiet', '--typecheck', '--summary-export', 'summary.json', 'script.ts']);
    expect(code).toBe(0);
    // An exception inside the remote module is placed at its URL, not in a cache file.
    expect(stderr).toContain(`Error: exploded in a remote module at ${secure.url}/libs/shared/http.js:3:35`);
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary.metrics['checks']?.values).toMatchObject({ passes: 6, fails: 0 });

    const expected = { ...Object.fromEntries(Object.entries(published).map(([file, body]) => [`${secure.url}${file}`, { sha256: sha256(body) }])), [`${plain.url}/plain.js`]: { sha256: sha256(plain.files.get('/plain.js') as string) } };
    expect(lockOf(dir)).toEqual({ version: 1, modules: expected });
    expect(Object.keys((lockOf(dir) as { modules: object }).modules)).toEqual(Object.keys(expected).sort());
    expect(readdirSync(cache).sort()).toEqual(Object.values(expected).map((entry) => entry.sha256).sort());
    expect(secure.requests.sort()).toEqual(Object.keys(published).sort());
  });

  it('runs the locked bytes from the cache without asking the server; a changed module whose hash is locked fails when fetched again', async () => {
    publishUtils('1');
    const dir = scriptDir({
      'script.js': `import { VERSION } from '${secure.url}/libs/utils/1.0/random.js';\nexport const options = { iterations: 1 };\nexport default function () { console.log('utils version ' + VERSION); }\n`,
    });
    const first = await run(dir, ['run', '--quiet', 'script.js']);
    expect([first.code, first.stderr]).toEqual([0, expect.stringContaining('utils version 1')]);
    const lock = lockOf(dir);

    publishUtils('2');
    secure.requests.length = 0;
    const cached = await run(dir, ['run', '--quiet', 'script.js']);
    expect([cached.code, cached.stderr]).toEqual([0, expect.stringContaining('utils version 1')]);
    expect(secure.requests).toEqual([]);

    const changed = await run(dir, ['run', '--quiet', 'script.js'], {}, freshCache());
    expect(changed.code).toBe(107);
    const url = `${secure.url}/libs/utils/1.0/random.js`;
    expect(changed.stderr.split('\n').slice(0, 3)).toEqual([
      `ERROR script.js:1:25: "${url}" changed since it was locked: its sha256 is ${sha256(secure.files.get('/libs/utils/1.0/random.js') as string)}, wsk.lock.json has ${(lock as { modules: Record<string, { sha256: string }> }).modules[url]?.sha256}; review the new version and delete its entry from wsk.lock.json to accept it`,
      `import { VERSION } from '${url}';`,
      '                        ^',
    ]);
    expect(lockOf(dir)).toEqual(lock);
  });

  it('--offline runs from the cache with no request, and names the URL and the way to fill the cache when it is not there', async () => {
    publishUtils('1');
    const url = `${secure.url}/libs/utils/1.0/index.js`;
    const dir = scriptDir({
      'script.js': `import { randomItem } from '${url}';\nexport const options = { iterations: 1 };\nexport default function () { console.log('picked ' + randomItem(['x'])); }\n`,
    });
    expect((await run(dir, ['run', '--quiet', 'script.js'])).code).toBe(0);
    secure.requests.length = 0;

    const offline = await run(dir, ['run', '--quiet', '--offline', 'script.js']);
    expect([offline.code, offline.stderr]).toEqual([0, expect.stringContaining('picked x')]);
    const empty = freshCache();
    const missing = await run(dir, ['inspect', '--offline', 'script.js'], {}, empty);
    expect(missing.code).toBe(107);
    expect(missing.stderr).toMatch(new RegExp(`^ERROR script.js:1:28: cannot import "${escape(url)}" with --offline: its locked bytes \\(sha256 [0-9a-f]{12}…\\) are not in the module cache ${escape(empty)}; run once without --offline to fetch it\\n`));
    expect(secure.requests).toEqual([]);
  });

  // modules.invalid cannot resolve: had wsk tried to fetch it, the error would be a failed DNS lookup.
  it('reports a 404 and a plain-http import from another host at their import lines, asking the network only for the first', async () => {
    const dir = scriptDir({
      'script.js': `import { a } from '${secure.url}/missing.js';\nimport { b } from 'http://modules.invalid/b.js';\nexport default function () { return a + b; }\n`,
    });
    const { code, stderr } = await run(dir, ['run', '--quiet', 'script.js']);
    expect(code).toBe(107);
    expect(stderr.split('\n').filter((line) => line.includes('script.js:'))).toEqual([
      `ERROR script.js:1:19: cannot fetch "${secure.url}/missing.js": HTTP 404 Not Found`,
      'script.js:2:19: cannot import "http://modules.invalid/b.js": plain http is allowed only from this machine (127.x.x.x, [::1], localhost), where nobody on the network can change the module on its way; use https',
    ]);
    expect(secure.requests).toEqual(['/missing.js']);
  });

  it('follows redirects, but not to plain http on another host', async () => {
    publishUtils('1');
    secure.files.set('/latest/utils.js', { redirect: '/libs/utils/1.0/random.js' });
    secure.files.set('/away.js', { redirect: 'http://modules.invalid/away.js' });
    const dir = scriptDir({
      'script.js': `import { VERSION } from '${secure.url}/latest/utils.js';\nexport default function () { return VERSION; }\n`,
      'away.js': `import { x } from '${secure.url}/away.js';\nexport default function () { return x; }\n`,
    });
    const followed = await run(dir, ['inspect', 'script.js']);
    expect(followed.code).toBe(0);
    expect(Object.keys((lockOf(dir) as { modules: object }).modules)).toEqual([`${secure.url}/latest/utils.js`]);
    const refused = await run(dir, ['inspect', 'away.js']);
    expect(refused.code).toBe(107);
    expect(refused.stderr).toContain(
      `ERROR away.js:1:19: cannot fetch "${secure.url}/away.js": redirected to http://modules.invalid/away.js, which wsk does not fetch: plain http is allowed only from this machine`,
    );
  });

  it('in CI, refuses a URL the lock does not name; what the lock names runs', async () => {
    publishUtils('1');
    const url = `${secure.url}/libs/utils/1.0/random.js`;
    const dir = scriptDir({ 'script.js': `import { VERSION } from '${url}';\nexport const options = { iterations: 1 };\nexport default function () { console.log('v' + VERSION); }\n` });
    const refused = await run(dir, ['run', '--quiet', 'script.js'], { CI: 'true' });
    expect(refused.code).toBe(107);
    expect(refused.stderr).toContain(`cannot import "${url}": it is not in wsk.lock.json, which is frozen (CI is set); run wsk once without --frozen and outside CI to fetch and lock it, and commit wsk.lock.json`);
    expect(secure.requests).toEqual([]);

    expect((await run(dir, ['run', '--quiet', 'script.js'])).code).toBe(0);
    const locked = await run(dir, ['run', '--quiet', '--frozen', 'script.js'], { CI: 'true' }, freshCache());
    expect([locked.code, locked.stderr]).toEqual([0, expect.stringContaining('v1')]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
