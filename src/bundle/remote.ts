/**
 * Remote modules (`import { randomItem } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js'`), as
 * the bundler sees them: the text of each URL, from the cache when the lock file names its hash,
 * else fetched, checked against the lock, cached and locked.
 *
 * - A URL the lock names is bundled from the cached bytes of its hash; fetched only when the
 *   cache lacks them, and then the fetched bytes must have that hash.
 * - A URL the lock does not name is fetched and added to it, unless the lock is frozen (--frozen,
 *   or in CI): then it is an error, so CI runs only what was reviewed and committed.
 * - --offline never fetches: a module must be both locked and cached.
 *
 * The script's whole graph is fetched before esbuild runs (`prefetch`), because the auto-await
 * analysis reads every module synchronously; failures are kept and reported by the plugin at the
 * import that named the URL, with esbuild's location.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { quote } from '../errors.js';
import { displayPath } from './display-path.js';
import { fetchModule, FETCH_TIMEOUT_MS } from './remote-fetch.js';
import { moduleCacheDir, ModuleCache, sha256 } from './remote-cache.js';
import { LOCK_FILE, ModuleLock } from './remote-lock.js';
import { isRemoteUrl, normalizeUrl, refusedUrl } from './remote-url.js';
import { importSpecifiers } from './quick-scan.js';
import { diskHost, importTarget, isScriptModule, type SourceHost } from './source-files.js';

export interface RemoteOptions {
  /** Bundle remote modules from the cache only (--offline). */
  readonly offline?: boolean;
  /** Why the lock may not grow ('--frozen', 'CI is set'); undefined lets new URLs be added. */
  readonly frozen?: string | undefined;
  /** The module cache; defaults to WSK_MODULE_CACHE or the user's cache directory (see moduleCacheDir). */
  readonly cacheDir?: string;
  readonly fetchTimeoutMs?: number;
}

/** The options of a run from its flags and environment: `CI` set (and not "false" or "0") freezes the lock, as pnpm and yarn do. */
export function remoteOptions(flags: { readonly offline: boolean; readonly frozen: boolean }, env: Readonly<Record<string, string | undefined>>, cwd: string): RemoteOptions {
  const ci = env['CI'];
  const inCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  return { offline: flags.offline, frozen: flags.frozen ? '--frozen' : inCi ? 'CI is set' : undefined, cacheDir: moduleCacheDir(env, cwd) };
}

export type RemoteModule = { readonly kind: 'loaded'; readonly text: string } | { readonly kind: 'failed'; readonly reason: string };

export class RemoteModules {
  readonly #lockFile: string;
  readonly #cwd: string;
  readonly #options: RemoteOptions;
  readonly #cache: ModuleCache;
  readonly #loads = new Map<string, Promise<RemoteModule>>();
  readonly #texts = new Map<string, string>();
  #lock: Promise<ModuleLock> | undefined;

  /** The lock file lives beside `entry`, the script; `cwd` is where messages' paths are relative to. */
  constructor(entry: string, cwd: string, options: RemoteOptions = {}) {
    this.#lockFile = path.join(path.dirname(entry), LOCK_FILE);
    this.#cwd = cwd;
    this.#options = options;
    this.#cache = new ModuleCache(options.cacheDir ?? moduleCacheDir(process.env, cwd));
  }

  /** The module at `url`, fetched or read once per bundle. A broken lock file throws; anything else is a failed module. */
  load(url: string): Promise<RemoteModule> {
    const key = normalizeUrl(url);
    let load = this.#loads.get(key);
    if (load === undefined) {
      load = this.#load(key);
      this.#loads.set(key, load);
    }
    return load;
  }

  /** Files as on disk, remote modules by URL once loaded: what the auto-await analysis reads. */
  readonly host: SourceHost = {
    readFile: (module) => (isRemoteUrl(module) ? this.#texts.get(module) : diskHost.readFile(module)),
  };

  /** Loads every remote module the script at `entry` reaches through its files and remote modules, in parallel. */
  async prefetch(entry: string): Promise<void> {
    const seen = new Set<string>();
    const visit = async (module: string): Promise<void> => {
      if (seen.has(module) || !isScriptModule(module)) return;
      seen.add(module);
      const text = isRemoteUrl(module) ? textOf(await this.load(module)) : diskHost.readFile(module);
      if (text === undefined) return;
      const targets = importedModules(text).map((specifier) => importTarget(diskHost, module, specifier));
      await Promise.all(targets.map((target) => (target === undefined ? undefined : visit(target))));
    };
    await visit(entry);
  }

  /** Writes the modules fetched for the first time into the lock file. */
  async save(): Promise<void> {
    if (this.#lock !== undefined) await (await this.#lock).save();
  }

  async #load(url: string): Promise<RemoteModule> {
    const refused = refusedUrl(url);
    if (refused !== undefined) return failed(`cannot import ${quote(url)}: ${refused}`);
    this.#lock ??= ModuleLock.load(this.#lockFile, displayPath(this.#lockFile, this.#cwd));
    const lock = await this.#lock;
    const locked = lock.get(url);
    const cached = locked === undefined ? undefined : await this.#cache.read(locked.sha256);
    if (cached !== undefined) return this.#loaded(url, cached);
    if (this.#options.offline === true) {
      const why = locked === undefined ? `it is not in ${lock.name}` : `its locked bytes (sha256 ${locked.sha256.slice(0, 12)}…) are not in the module cache ${this.#cache.dir}`;
      return failed(`cannot import ${quote(url)} with --offline: ${why}; run once without --offline to fetch it`);
    }
    if (locked === undefined && this.#options.frozen !== undefined) {
      return failed(
        `cannot import ${quote(url)}: it is not in ${lock.name}, which is frozen (${this.#options.frozen}); run wsk once without --frozen and outside CI to fetch and lock it, and commit ${lock.name}`,
      );
    }
    const fetched = await fetchModule(url, this.#options.fetchTimeoutMs ?? FETCH_TIMEOUT_MS);
    if (fetched.kind === 'failed') return failed(`cannot fetch ${quote(url)}: ${fetched.reason}`);
    const hash = sha256(fetched.bytes);
    if (locked !== undefined && hash !== locked.sha256) {
      return failed(
        `${quote(url)} changed since it was locked: its sha256 is ${hash}, ${lock.name} has ${locked.sha256}; review the new version and delete its entry from ${lock.name} to accept it`,
      );
    }
    await this.#cache.write(fetched.bytes);
    if (locked === undefined) lock.add(url, { sha256: hash });
    return this.#loaded(url, fetched.bytes);
  }

  #loaded(url: string, bytes: Buffer): RemoteModule {
    const text = bytes.toString('utf8');
    this.#texts.set(url, text);
    return { kind: 'loaded', text };
  }
}

function failed(reason: string): RemoteModule {
  return { kind: 'failed', reason };
}

function textOf(module: RemoteModule): string | undefined {
  return module.kind === 'loaded' ? module.text : undefined;
}

/**
 * Every module specifier of a script (imports, re-exports, require() and import() of a literal): from
 * the token scan when it can tell, else from TypeScript's preProcessFile, loading the compiler.
 */
function importedModules(text: string): string[] {
  const scanned = importSpecifiers(text);
  if (scanned !== undefined) return scanned;
  // With require: Node's ES module loader would first scan the compiler's 9 MB for its exports.
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}
