/**
 * Builds the sandbox runtime (runtime/index.ts and what it imports) and the sandbox side of every
 * registered protocol into one script whose completion value is the realm's `boot` function. Done
 * once per run by the coordinator; workers receive the string.
 *
 * The build (600 KB, most of it wsk/html's parser) is kept on disk beside wsk's own files, with the
 * size and modification time of every file that went into it: a run whose inputs are unchanged reads
 * it instead of running esbuild (a third of a one-second test's start-up).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { writeAtomically } from '../write-atomically.js';
import { esbuild } from './esbuild.js';
import { PROTOCOLS } from '../protocols/index.js';

/** The name esbuild gives the generated entry. */
const ENTRY_NAME = 'wsk-runtime.js';

const built = new Map<string, Promise<string>>();

/** The runtime with the sandbox sides of `sandboxFiles` (default: wsk's protocols). */
export function runtimeCode(sandboxFiles: readonly string[] = PROTOCOLS.sandboxFiles): Promise<string> {
  const key = sandboxFiles.join('\n');
  let code = built.get(key);
  if (code === undefined) built.set(key, (code = buildRuntime(sandboxFiles)));
  return code;
}

/**
 * A built runtime on disk: a first line with what it was built from (JSON: each input's absolute path,
 * size and modification time), then the code. One file, so runs that start together never read the
 * code of one build with the inputs of another; not JSON as a whole, since parsing 600 KB of JSON
 * string took 15 ms of every run's start-up.
 */
type CachedInputs = [file: string, size: number, mtimeMs: number][];

/** Where the runtime with `sandboxFiles` is kept between runs. */
export function runtimeCacheFile(sandboxFiles: readonly string[]): string {
  const key = createHash('sha256').update(`${esbuild().version}\n${sandboxFiles.join('\n')}`).digest('hex').slice(0, 16);
  return path.join(packageRoot(fileURLToPath(import.meta.url)), 'dist', '.runtime-cache', `${key}.cache`);
}

/** Where V8's code cache of `code` (a built runtime) is kept: named by a hash of the code, which V8 does not check. */
export function runtimeCodeCacheFile(code: string): string {
  const key = createHash('sha256').update(code).digest('hex').slice(0, 16);
  return path.join(packageRoot(fileURLToPath(import.meta.url)), 'dist', '.runtime-cache', `${key}.v8`);
}

/** The runtime from its cache if its inputs are unchanged, else built (and cached); runtimeCode() does this once per process. */
export async function buildRuntime(sandboxFiles: readonly string[]): Promise<string> {
  const root = packageRoot(fileURLToPath(import.meta.url));
  const cacheFile = runtimeCacheFile(sandboxFiles);
  const cached = readCached(cacheFile);
  if (cached !== undefined) return cached;
  // The entry hands the protocols to the runtime, which names none of them itself.
  const imports = sandboxFiles.map((file, i) => `import protocol${i} from ${JSON.stringify(file)};`);
  const entry = [
    `import { bootRealm } from ${JSON.stringify(path.join(root, 'runtime', 'index.ts'))};`,
    ...imports,
    `const protocols = [${sandboxFiles.map((_, i) => `protocol${i}`).join(', ')}];`,
    'export function boot(...args) { return bootRealm(protocols, ...args); }',
  ].join('\n');
  const result = await esbuild().build({
    stdin: { contents: entry, resolveDir: root, sourcefile: ENTRY_NAME, loader: 'js' },
    absWorkingDir: root,
    metafile: true,
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
    sourcemap: false,
    // papaparse (wsk/data's CSV parser) requires Node's streams only in code VUs never run.
    external: ['stream'],
    // entities (wsk/html's parser) decodes its tables with atob, which the sandbox does not have.
    inject: [path.join(root, 'runtime', 'atob.ts')],
  });
  const code = result.outputFiles[0]?.text ?? '';
  // Strict, so no runtime function is the `.caller` of a script's sloppy function (made with `Function`):
  // that would hand the script the realm's router. A directive counts only as the first statement, so
  // esbuild's own "use strict" (after the `var` line) does nothing.
  const runtime = `(function () { "use strict"; var module = { exports: {} }, exports = module.exports;\n${code}\nreturn module.exports.boot; })()`;
  // The stdin entry is not a file: the sandbox files it names are in the key.
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => input !== ENTRY_NAME)
    .map((input) => path.resolve(root, input));
  writeCached(cacheFile, runtime, [...inputs, fileURLToPath(import.meta.url)]);
  return runtime;
}

/** The cached runtime, if every file it was built from is as it was. */
function readCached(file: string): string | undefined {
  try {
    const cached = readFileSync(file, 'utf8');
    const lineEnd = cached.indexOf('\n');
    if (lineEnd === -1) return undefined;
    for (const [input, size, mtimeMs] of JSON.parse(cached.slice(0, lineEnd)) as CachedInputs) {
      const now = statSync(input);
      if (now.size !== size || now.mtimeMs !== mtimeMs) return undefined;
    }
    return cached.slice(lineEnd + 1);
  } catch {
    return undefined; // none yet, an input is gone, or a file of another layout: build it
  }
}

/** Keeps the build for the next run; a package directory that cannot be written to just builds each time. */
function writeCached(file: string, code: string, inputs: readonly string[]): void {
  try {
    const described: CachedInputs = inputs.map((input) => {
      const stat = statSync(input);
      return [input, stat.size, stat.mtimeMs];
    });
    // Whole or not at all: runs that start together never read half a file.
    writeAtomically(file, `${JSON.stringify(described)}\n${code}`);
  } catch {
    // Read-only install: nothing to keep.
  }
}
