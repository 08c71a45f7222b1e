// Remote modules bundled from a filled cache and lock file, offline or frozen: everything here
// happens without a socket (the fetching side is tested through `wsk run` in
// test/integration/remote-imports.test.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScript, typecheckScript } from '../../../src/bundle/index.js';
import { ModuleCache } from '../../../src/bundle/remote-cache.js';
import { formatLock, type LockEntry } from '../../../src/bundle/remote-lock.js';
import { RemoteModules, remoteOptions, type RemoteOptions } from '../../../src/bundle/remote.js';
import { WskError } from '../../../src/errors.js';
import { BUNDLE_FILE, instantiate } from './instantiate.js';

const MIRROR = 'https://mirror.invalid/libs';

/** A remote k6 helper: it imports k6 and a relative module, and sleeps, so calling it blocks. */
const MODULES: Readonly<Record<string, string>> = {
  [`${MIRROR}/utils/index.js`]: [
    "import { sleep } from 'k6';",
    "import { label } from '../shared/label.js';",
    'export function pause(seconds) { sleep(seconds); return label(seconds); }',
    "export function fail() { throw new Error('failed in a remote module'); }",
  ].join('\n'),
  [`${MIRROR}/shared/label.js`]: 'export const label = (n) => `paused ${n}s`;\n',
  [`${MIRROR}/npm/index.js`]: "import _ from 'lodash';\nexport const x = 1;\n",
};

let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A script folder and a module cache; `cached` modules are in the cache and the lock, `locked` ones only in the lock. */
async function setup(script: string, modules: { cached?: readonly string[]; locked?: readonly string[] } = {}): Promise<{ dir: string; cacheDir: string }> {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-remote-'));
  const cacheDir = path.join(dir, 'cache');
  const cache = new ModuleCache(cacheDir);
  const entries = new Map<string, LockEntry>();
  for (const url of modules.cached ?? []) entries.set(url, { sha256: await cache.write(Buffer.from(MODULES[url]!)) });
  for (const url of modules.locked ?? []) entries.set(url, { sha256: 'f'.repeat(64) });
  mkdirSync(path.join(dir, 'tests'));
  writeFileSync(path.join(dir, 'tests', 'script.js'), script);
  if (entries.size > 0) writeFileSync(path.join(dir, 'tests', 'wsk.lock.json'), formatLock(entries));
  return { dir, cacheDir };
}

async function bundleError(cwd: string, remote: RemoteOptions): Promise<WskError> {
  const error: unknown = await bundleScript('tests/script.js', { cwd, remote }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WskError)) throw new Error(`expected a WskError, got ${String(error)}`);
  return error;
}

const SCRIPT = `import { pause, fail } from '${MIRROR}/utils/index.js';
export default function () {
  const text = pause(1);
  if (text !== 'paused 1s') fail();
  return text;
}
export function broken() { fail(); }
`;

describe('remote modules from the cache', () => {
  it('bundles them offline, awaiting their blocking functions in the script, and names their URL in stack traces', async () => {
    const { dir, cacheDir } = await setup(SCRIPT, { cached: Object.keys(MODULES) });
    const bundle = await bundleScript('tests/script.js', { cwd: dir, remote: { offline: true, cacheDir } });
    expect(bundle.files).toEqual([path.join(dir, 'tests', 'script.js')]);
    const slept: number[] = [];
    const sleep = async (seconds: number): Promise<void> => {
      await Promise.resolve();
      slept.push(seconds);
    };
    const exports = (await instantiate(bundle.code, { k6: { sleep }, wsk: { sleep } })) as Record<string, () => unknown>;
    // The script's call was awaited: without the rewrite across the URL import it would get a promise.
    expect(await exports['default']!()).toBe('paused 1s');
    expect(slept).toEqual([1]);
    let error: unknown;
    try {
      exports['broken']!();
    } catch (thrown) {
      error = thrown;
    }
    if (!(error instanceof Error) || error.stack === undefined) throw new Error('expected broken() to throw');
    expect(bundle.mapStack(error.stack, BUNDLE_FILE, 1).split('\n').slice(0, 3)).toEqual([
      'Error: failed in a remote module',
      `    at fail (${MIRROR}/utils/index.js:4:32)`,
      '    at Object.broken (script.js:7:28)',
    ]);
  });

  it('offline, names each import whose module is not locked, or not cached, and how to fill the cache', async () => {
    const script = `import { pause } from '${MIRROR}/utils/index.js';\nimport { label } from '${MIRROR}/shared/label.js';\nexport default function () { pause(label); }\n`;
    const { dir, cacheDir } = await setup(script, { locked: [`${MIRROR}/utils/index.js`] });
    const error = await bundleError(dir, { offline: true, cacheDir });
    expect([error.code, error.exitCode]).toEqual(['SCRIPT_SYNTAX', 107]);
    expect(error.message.split('\n')).toEqual([
      `tests/script.js:1:23: cannot import "${MIRROR}/utils/index.js" with --offline: its locked bytes (sha256 ffffffffffff…) are not in the module cache ${cacheDir}; run once without --offline to fetch it`,
      `import { pause } from '${MIRROR}/utils/index.js';`,
      '                      ^',
      `tests/script.js:2:23: cannot import "${MIRROR}/shared/label.js" with --offline: it is not in tests/wsk.lock.json; run once without --offline to fetch it`,
      `import { label } from '${MIRROR}/shared/label.js';`,
      '                      ^',
    ]);
  });

  it('with a frozen lock, refuses a URL the lock does not name before any fetch, at the import inside the remote module', async () => {
    const { dir, cacheDir } = await setup(SCRIPT, { cached: [`${MIRROR}/utils/index.js`] });
    const error = await bundleError(dir, { frozen: 'CI is set', cacheDir });
    expect(error.message.split('\n')).toEqual([
      `${MIRROR}/utils/index.js:2:23: cannot import "${MIRROR}/shared/label.js": it is not in tests/wsk.lock.json, which is frozen (CI is set); run wsk once without --frozen and outside CI to fetch and lock it, and commit tests/wsk.lock.json`,
      "import { label } from '../shared/label.js';",
      '                      ^',
    ]);
  });

  it('refuses plain http from another host, and imports a remote module cannot have, without fetching', async () => {
    const url = `${MIRROR}/npm/index.js`;
    const script = `import { x } from '${url}';\nimport { y } from 'http://mirror.invalid/y.js';\nexport default function () { return x + y; }\n`;
    const { dir, cacheDir } = await setup(script, { cached: [url] });
    const lines = (await bundleError(dir, { cacheDir })).message.split('\n');
    expect(lines.filter((line) => /^\S+:\d+:\d+: /.test(line)).sort()).toEqual([
      `${url}:1:15: cannot import "lodash" in a remote module: remote modules can import k6, k6/metrics, k6/execution, k6/data, k6/encoding, k6/crypto, k6/summary, k6/html, k6/timers, k6/ws, k6/websockets, k6/experimental/websockets, k6/http, wsk, wsk/metrics, wsk/execution, wsk/data, wsk/encoding, wsk/crypto, wsk/summary, wsk/html, wsk/timers, wsk/ws, wsk/websockets, wsk/http, URLs, and paths relative to their own URL`,
      'tests/script.js:2:19: cannot import "http://mirror.invalid/y.js": plain http is allowed only from this machine (127.x.x.x, [::1], localhost), where nobody on the network can change the module on its way; use https',
    ]);
  });

  it('writes no lock file and touches no cache when the script imports nothing remote', async () => {
    const { dir, cacheDir } = await setup("import { sleep } from 'k6';\nexport default function () { sleep(1); }\n");
    await bundleScript('tests/script.js', { cwd: dir, remote: { cacheDir } });
    expect(() => readFileSync(path.join(dir, 'tests', 'wsk.lock.json'))).toThrow(/ENOENT/);
    expect(() => readFileSync(cacheDir)).toThrow(/ENOENT/);
  });
});

describe('remoteOptions', () => {
  it('freezes the lock with --frozen, or when CI is set to anything but "", "false" or "0"', () => {
    const flags = { offline: false, frozen: false };
    expect(remoteOptions({ offline: true, frozen: true }, {}, '/work')).toMatchObject({ offline: true, frozen: '--frozen' });
    expect(remoteOptions(flags, { CI: 'true' }, '/work').frozen).toBe('CI is set');
    expect(remoteOptions(flags, { CI: '1' }, '/work').frozen).toBe('CI is set');
    expect(['', 'false', '0', undefined].map((CI) => remoteOptions(flags, { CI }, '/work').frozen)).toEqual([undefined, undefined, undefined, undefined]);
    expect(remoteOptions(flags, { WSK_MODULE_CACHE: 'c' }, '/work').cacheDir).toBe('/work/c');
  });
});

describe('RemoteModules', () => {
  it('loads each URL once, however it is spelled', async () => {
    const url = `${MIRROR}/shared/label.js`;
    const { dir, cacheDir } = await setup('', { cached: [url] });
    const remote = new RemoteModules(path.join(dir, 'tests', 'script.js'), dir, { offline: true, cacheDir });
    const first = remote.load('HTTPS://MIRROR.invalid:443/libs/utils/../shared/label.js');
    expect(remote.load(url)).toBe(first);
    expect(await first).toEqual({ kind: 'loaded', text: MODULES[url] });
    expect(remote.host.readFile(url)).toBe(MODULES[url]);
  });
});

describe('--typecheck with remote imports', () => {
  it('type-checks the script, with the remote modules’ exports as any', async () => {
    const script = `import { sleep } from 'k6';\nimport { pause } from '${MIRROR}/utils/index.js';\nexport default function (): void { const seconds: number = pause(1); sleep(seconds); }\n`;
    const { dir } = await setup('');
    writeFileSync(path.join(dir, 'tests', 'script.ts'), script);
    await expect(typecheckScript('tests/script.ts', { cwd: dir })).resolves.toBeUndefined();
    writeFileSync(path.join(dir, 'tests', 'script.ts'), script.replace('pause(1)', "'one'"));
    await expect(typecheckScript('tests/script.ts', { cwd: dir })).rejects.toThrow(/TS2322: Type 'string' is not assignable to type 'number'/);
  });
});
