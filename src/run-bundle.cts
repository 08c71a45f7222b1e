/**
 * Runs one of wsk's built bundles (dist/bundle/*.cjs: the CLI, and each thread's entry) with V8's code
 * cache, as Node 20 cannot for its own modules.
 *
 * Why: without Node's start-up snapshot (isolated-vm needs it off), a short test's CPU is mostly
 * start-up, and compiling the bundles' functions is a large part of it: the CLI's 1.2 MB and the
 * worker's 0.4 MB in every run. With the cache a one-connection, one-second test takes about 45 ms
 * less CPU (test/bench/ws-bench.mjs, W0).
 *
 * The cache is made from what the thread compiled by the time it exits (start-up and the run), so the
 * next run finds compiled what this one ran. It is kept in dist/.code-cache, named by the bundle file's
 * identity and its size, modification and change times: V8 checks a cache against its source's length
 * only, and any build writes the file anew. A cache V8 refuses (another Node, other V8 flags) is made
 * anew; a package directory that cannot be written to runs from source each time.
 *
 * The build makes bundles of ASCII only (build/bundle-dist.mjs), which read as Latin-1, a copy, where
 * UTF-8 is a decode: 2 ms of the CLI's start-up. A bundle with other bytes is read as UTF-8.
 *
 * CommonJS, not an ES module, because only a script (vm.Script) takes a code cache in Node 20.
 */
import vm = require('node:vm');
import fs = require('node:fs');
import path = require('node:path');
import buffer = require('node:buffer');
import nodeModule = require('node:module');

/** When a thread that is still running makes its cache. */
const KEEP_AFTER_MS = 5000;

/** How a bundle was compiled: from a kept cache, or from source (with a cache made at exit when it can be kept). */
type CodeCacheUse = 'used' | 'made' | 'off';

interface RunBundleOptions {
  /** Where caches are kept; default dist/.code-cache beside the bundle's directory; null: no cache. */
  readonly cacheDir?: string | null;
  /**
   * Which use of the bundle this is (the CLI's command), when uses run different code: each keeps a
   * cache of its own, since the first run to make a cache decides what it holds.
   */
  readonly use?: string;
}

/** The bundle's exports, and how its code cache was used (read by tests). */
function runBundle(file: string, options: RunBundleOptions = {}): { exports: Record<string, unknown>; cache: CodeCacheUse } {
  const bytes = fs.readFileSync(file);
  const cacheDir = options.cacheDir === undefined ? path.join(path.dirname(path.dirname(file)), '.code-cache') : options.cacheDir;
  const use = options.use !== undefined && /^[a-z][a-z0-9-]{0,31}$/.test(options.use) ? `-${options.use}` : '';
  const name = path.basename(file, path.extname(file)) + use;
  const cacheFile = cacheDir === null ? undefined : path.join(cacheDir, `${name}.${fileVersion(file)}.v8`);
  const cachedData = cacheFile === undefined ? undefined : readIfPresent(cacheFile);
  // Wrapped on the source's first line, so stack positions keep the bundle's line numbers.
  const source = bytes.toString(buffer.isAscii(bytes) ? 'latin1' : 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    // import() as in a module of the main context (Node 20.12 and later; the bundles make none today).
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  let cache: CodeCacheUse = 'off';
  if (cachedData !== undefined && !script.cachedDataRejected) cache = 'used';
  else if (cacheFile !== undefined) {
    cache = 'made';
    // When the thread has compiled what it ran: at its natural end or the process's, or after a while
    // for a thread that is ended from outside (the stream pacer) or a process that is ended hard.
    let kept = false;
    const keepOnce = (): void => {
      if (!kept) keep(cacheFile, name, () => script.createCachedData());
      kept = true;
    };
    process.once('exit', keepOnce);
    setTimeout(keepOnce, KEEP_AFTER_MS).unref();
  }
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, nodeModule.createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, cache };
}

/** Which build of `file` this is: its inode, size, and modification and change times (ns), in base 36. */
function fileVersion(file: string): string {
  const { ino, size, mtimeNs, ctimeNs } = fs.statSync(file, { bigint: true });
  return [ino, size, mtimeNs, ctimeNs].map((n) => n.toString(36)).join('-');
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache whole or not at all (threads of one run may write it at once), and drops the
 * bundle's older caches. As src/write-atomically.ts does, which an ES module cannot lend this script.
 */
function keep(file: string, name: string, make: () => Buffer): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Made only where it can be kept: serializing the CLI's code takes milliseconds.
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    fs.writeFileSync(temporary, make());
    fs.renameSync(temporary, file);
    for (const entry of fs.readdirSync(path.dirname(file))) {
      if (entry.startsWith(`${name}.`) && entry.endsWith('.v8') && entry !== path.basename(file)) fs.rmSync(path.join(path.dirname(file), entry), { force: true });
    }
  } catch {
    // A read-only install: the bundle compiles from source each time.
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

export = { runBundle };
