/**
 * Builds the sandbox runtime (runtime/index.ts and what it imports) and the sandbox side of every
 * registered protocol into one script whose completion value is the realm's `boot` function. Done
 * once per run by the coordinator; workers receive the string.
 *
 * The build (600 KB, most of it wsk/html's parser) is kept on disk beside wsk's own files, with the
 * state of every file that went into it and of esbuild's package (bundle-cache.ts, readKept): a run
 * whose inputs are unchanged reads it instead of running esbuild (a third of a one-second test's start-up).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { keep, readKept } from './bundle-cache.js';
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

/** Where the runtime with `sandboxFiles` is kept between runs: the code as it is, not as JSON (parsing 600 KB of JSON string took 15 ms). */
export function runtimeCacheFile(sandboxFiles: readonly string[]): string {
  const key = createHash('sha256').update(sandboxFiles.join('\n')).digest('hex').slice(0, 16);
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
  const cached = readKept(cacheFile, sandboxFiles.join('\n'));
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
  // esbuild's package: another esbuild builds anew.
  const esbuildPackage = createRequire(import.meta.url).resolve('esbuild/package.json');
  keep(cacheFile, runtime, [...inputs, fileURLToPath(import.meta.url), esbuildPackage], sandboxFiles.join('\n'));
  return runtime;
}
