// Bundles each of wsk's entry points (the CLI and the modules a thread starts from) out of dist/src
// into one CommonJS file in dist/bundle with esbuild, run by `npm run build` after tsc. CommonJS because
// src/run-bundle.cts runs each as a script, which Node 20 lets keep V8's code cache between runs.
//
// Why: a short test's CPU is mostly start-up, and most of that is loading modules one file at a time
// (Node 20 without its start-up snapshot, as isolated-vm needs): about 190 ES modules and 120 CommonJS
// files in the coordinator, and 120 in each thread. One file per entry cuts loading them to about a third.
//
// Each module keeps its own import.meta.url (the dist/src file it was built to), so the paths it finds
// from there (the package root, a protocol's sources, typescript through createRequire) stay what they
// are unbundled. Packages that load native code or other files of their own at run time stay outside.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const requireHere = createRequire(import.meta.url);
const dist = path.join(root, 'dist', 'src');

/** Entry (under dist/src) → the bundle's name in dist/bundle; src/threads.ts names the same files. */
const ENTRIES = {
  cli: 'cli/main.js',
  worker: 'worker/worker.js',
  'pacer-thread': 'protocols/ws/pacer-thread.js',
};

const ownImportMeta = {
  name: 'own-import-meta',
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + path.sep)) return undefined;
      const code = await readFile(args.path, 'utf8');
      return { contents: code.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'js' };
    });
  },
};

// hdr-histogram-js compresses with Node's zlib when it has it, and requires pako (130 KB, parsed in
// every thread) for browsers only: here it is an empty module.
const withoutPako = {
  name: 'without-pako',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^pako$/ }, () => ({ path: 'pako', namespace: 'without-pako' }));
    esbuild.onLoad({ filter: /.*/, namespace: 'without-pako' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

// hdr-histogram-js finds zlib's deflate and inflate when its encoding module loads, which loads
// Node's zlib in every thread (compiled from source without Node's snapshot, a few ms); wsk compresses
// only histograms of many values, at the end of a metrics interval. Here they find zlib when first called.
const HDR_ZLIB_LOOKUP = 'exports.deflate = findDeflateFunction();\nexports.inflate = findInflateFunction();';
const lazyHdrZlib = {
  name: 'lazy-hdr-zlib',
  setup(esbuild) {
    esbuild.onLoad({ filter: /hdr-histogram-js[\\/]dist[\\/]JsHistogram\.encoding\.js$/ }, async (args) => {
      const code = await readFile(args.path, 'utf8');
      if (!code.includes(HDR_ZLIB_LOOKUP)) throw new Error(`${args.path}: no zlib lookup to make lazy; hdr-histogram-js changed`);
      const lazy = 'exports.deflate = (...args) => require("zlib").deflateSync(...args);\nexports.inflate = (...args) => require("zlib").inflateSync(...args);';
      return { contents: code.replace(HDR_ZLIB_LOOKUP, lazy), loader: 'js' };
    });
  },
};

// Node's modules that start-up never needs, each made an object that requires the module when first
// used, for every importer: without the snapshot Node compiles each builtin from source as it loads,
// and a bundle loads every import of its modules when it starts. A one-connection test of ws:// loads
// none of them (W0: child_process by commander and the serve command, fs/promises by the module cache,
// v8 for a fleet's heap limit, zlib for ws's permessage-deflate and http bodies, dns for `hosts`,
// https and tls for wss:// and https://), about 20 ms of CPU between the two threads.
const LAZY_BUILTINS = ['child_process', 'dns', 'fs/promises', 'https', 'tls', 'v8', 'zlib'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(esbuild) {
    const names = LAZY_BUILTINS.map((name) => name.replace('/', '\\/')).join('|');
    esbuild.onResolve({ filter: new RegExp(`^(node:)?(${names})$`) }, (args) =>
      // The lazy module's own require is of the module itself.
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: lazyModule(args.path, Object.getOwnPropertyNames(requireHere(`node:${args.path}`))),
      loader: 'js',
    }));
  },
};

/**
 * The module `name` as an object that requires it when first read. esbuild's interop (__toESM) lists
 * an ES module's imports of it as the importer loads: the names are those of the building Node, each
 * read from the module when used, so listing them loads nothing.
 */
function lazyModule(name, exportNames) {
  return `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(`node:${name}`)}));
const names = ${JSON.stringify(exportNames)};
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => names,
  getOwnPropertyDescriptor: (_, key) => (names.includes(key) ? { configurable: true, enumerable: true, get: () => load()[key] } : undefined),
});
`;
}

// Bundles of an older build (the .mjs before the code cache) would only mislead, and the code caches
// (src/run-bundle.cts), scripts' kept bundles (src/bundle/bundle-cache.ts) and the kept runtime builds
// with their code caches (src/bundle/runtime-code.ts) are of the old ones.
await rm(path.join(root, 'dist', 'bundle'), { recursive: true, force: true });
for (const cache of ['.code-cache', '.bundle-cache', '.runtime-cache']) await rm(path.join(root, 'dist', cache), { recursive: true, force: true });

const result = await build({
  entryPoints: Object.entries(ENTRIES).map(([out, file]) => ({ in: path.join(dist, file), out })),
  outdir: path.join(root, 'dist', 'bundle'),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // esbuild runs its own binary, isolated-vm is native, typescript is loaded only when a script needs
  // it; bufferutil (ws's native masking) finds its binary beside its own files, which bundled it would not.
  external: ['esbuild', 'isolated-vm', 'typescript', 'bufferutil'],
  plugins: [ownImportMeta, withoutPako, lazyHdrZlib, lazyBuiltins],
  logLevel: 'warning',
  write: false,
});

// ASCII only, which a thread reads as Latin-1, a copy rather than a decode (src/run-bundle.cts). esbuild
// escapes what is in the code's strings and names; what is left is in comments and regular expressions,
// where \uXXXX means the same character. After a backslash it would not: the build stops instead.
await mkdir(path.join(root, 'dist', 'bundle'), { recursive: true });
for (const output of result.outputFiles) {
  const text = output.text;
  const escapedAfterBackslash = /(?<!\\)(?:\\\\)*\\[^\x00-\x7f]/.exec(text);
  if (escapedAfterBackslash !== null) throw new Error(`${output.path}: a non-ASCII character after a backslash: ${JSON.stringify(escapedAfterBackslash[0])}`);
  await writeFile(output.path, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
