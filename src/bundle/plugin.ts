/**
 * The esbuild plugin that makes a user's script a wsk bundle: each runtime module (`wsk`, `k6`,
 * and their sub-modules) becomes a stand-in module that `require()`s its wsk id from the sandbox,
 * so the bundle keeps no import statement and runs as a function body; npm packages are
 * bundled from the node_modules above the script, as Node would find them, except those that need
 * Node's own modules, which VUs cannot have; remote modules (by URL) come from `RemoteModules`, in
 * their own namespace; anything else is an error naming what is importable. Each of the user's own
 * script files, and each remote module, is loaded through the auto-await rewrite.
 */
import type { OnLoadResult, OnResolveArgs, OnResolveResult, Plugin, PluginBuild } from 'esbuild';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { quote } from '../errors.js';
import { noExportMessage } from '../../runtime/import-messages.js';
import { toEsbuildMessage } from './messages.js';
import type { RemoteModules } from './remote.js';
import { normalizeUrl, REMOTE_NAMESPACE, remoteImport } from './remote-url.js';
import { importableModules, runtimeModuleOf, runtimeRequire, type RuntimeTable } from './runtime-table.js';
import type { LazyScriptRewriter } from './script-rewriter.js';
import { isScriptModule, isTypeScript, SCRIPT_FILE } from './source-files.js';

/** The namespace of the modules that stand for runtime modules in the bundle. */
export const RUNTIME_NAMESPACE = 'wsk-runtime';

export function wskPlugin(rewriter: LazyScriptRewriter, table: RuntimeTable, remote: RemoteModules): Plugin {
  return {
    name: 'wsk',
    setup(build) {
      build.onResolve({ filter: /.*/, namespace: REMOTE_NAMESPACE }, (args) => resolveInRemoteModule(args, table, remote));
      build.onResolve({ filter: /^https?:\/\//i }, (args) => resolveRemote(normalizeUrl(args.path), remote));
      build.onResolve({ filter: /^[^./]/ }, async (args): Promise<OnResolveResult | undefined> => {
        if (args.kind === 'entry-point' || path.isAbsolute(args.path) || args.pluginData === PACKAGE_LOOKUP) return undefined;
        // The require() of a runtime module's stand-in: the sandbox's own require.
        if (args.namespace === RUNTIME_NAMESPACE) return { path: args.path, external: true };
        const id = runtimeModuleOf(table, args.path);
        if (id !== undefined) return { path: args.path, namespace: RUNTIME_NAMESPACE };
        const builtin = nodeBuiltin(args.path);
        if (builtin !== undefined) {
          // A package's require() may sit in code that never runs in a VU (papaparse's Node streams):
          // it is left out with a warning, and fails only if that code runs.
          if (args.kind === 'require-call' && insidePackage(args.importer) !== undefined) {
            return { path: args.path, external: true, warnings: [{ text: `${builtinMessage(args.path, builtin, args.importer)}; it is left out, and the package fails if it calls it` }] };
          }
          return { errors: [{ text: builtinMessage(args.path, builtin, args.importer) }] };
        }
        if (isRuntimeLike(args.path) || !isPackageName(args.path)) return { errors: [{ text: unavailableModuleMessage(args.path, table) }] };
        return resolvePackage(build, args, table);
      });
      build.onLoad({ filter: /.*/, namespace: RUNTIME_NAMESPACE }, (args): OnLoadResult => ({ contents: standIn(args.path, table), loader: 'js' }));
      build.onLoad({ filter: /.*/, namespace: REMOTE_NAMESPACE }, async (args): Promise<OnLoadResult> => {
        if (!isScriptModule(args.path)) return { contents: remote.host.readFile(args.path) ?? '', loader: 'json' };
        return (await rewritten(args.path, rewriter)) ?? { errors: [{ text: `${quote(args.path)} was not fetched` }] };
      });
      // A package's own files are bundled as they are: only the script's files are rewritten.
      build.onLoad({ filter: SCRIPT_FILE, namespace: 'file' }, (args) => (insidePackage(args.path) === undefined ? rewritten(args.path, rewriter) : undefined));
    },
  };
}

/**
 * The module that stands for runtime module `specifier` (as the script wrote it: `k6/http`, so
 * esbuild's errors name it so). Its default export is the module object itself, as a CommonJS
 * module's is. When the table lists the module's names, an ES module that reads each once: the
 * script's imports are then plain variables. A CommonJS stand-in would cost every VU a getter per
 * name (esbuild's interop copies the object with one each), which thousands of VUs feel.
 */
function standIn(specifier: string, table: RuntimeTable): string {
  const id = runtimeModuleOf(table, specifier) ?? specifier;
  const module = runtimeRequire(id);
  const names = table.exports?.[id];
  if (names === undefined) return `module.exports = ${module};`;
  const named = names.filter((name) => name !== 'default');
  const reads = named.map((name, i) => `, e${i} = m[${JSON.stringify(name)}]`).join('');
  const exported = named.map((name, i) => `, e${i} as ${JSON.stringify(name)}`).join('');
  return `const m = ${module}${reads};\nexport { m as default${exported} };`;
}

const NO_MATCHING_EXPORT = new RegExp(`^No matching export in "${RUNTIME_NAMESPACE}:([^"]+)" for import "([^"]+)"$`);
const ALWAYS_UNDEFINED = new RegExp(`no matching export in "${RUNTIME_NAMESPACE}:`);

/** esbuild's error for a named import a runtime module's stand-in lacks, in the words the sandbox uses for one; undefined for other errors. */
export function missingRuntimeExport(text: string): string | undefined {
  const match = NO_MATCHING_EXPORT.exec(text);
  return match === null ? undefined : noExportMessage(match[1]!, match[2]!);
}

/**
 * esbuild's warning that a member of a runtime module's namespace (`http.foo` after `import * as
 * http`) is always undefined: the sandbox stops such a script before its VUs start, naming it.
 */
export function isRuntimeMemberWarning(text: string): boolean {
  return ALWAYS_UNDEFINED.test(text);
}

/** A user file or remote module through the auto-await rewrite; undefined when unreadable (esbuild's own loader reports a file). */
async function rewritten(module: string, rewriter: LazyScriptRewriter): Promise<OnLoadResult | undefined> {
  const rewrite = await rewriter.rewrite(module);
  if (rewrite === undefined) return undefined;
  return {
    contents: rewrite.code,
    loader: isTypeScript(module) ? 'ts' : 'js',
    errors: rewrite.errors.map((message) => toEsbuildMessage(module, message)),
    warnings: rewrite.warnings.map((message) => toEsbuildMessage(module, message)),
  };
}

async function resolveRemote(url: string, remote: RemoteModules): Promise<OnResolveResult> {
  const module = await remote.load(url);
  return module.kind === 'loaded' ? { path: url, namespace: REMOTE_NAMESPACE } : { errors: [{ text: module.reason }] };
}

/** A remote module imports URLs (relative ones against its own) and runtime modules; it has no node_modules to find packages in. */
function resolveInRemoteModule(args: OnResolveArgs, table: RuntimeTable, remote: RemoteModules): Promise<OnResolveResult> | OnResolveResult {
  const url = remoteImport(args.path, args.importer);
  if (url !== undefined) return resolveRemote(url, remote);
  if (runtimeModuleOf(table, args.path) !== undefined) return { path: args.path, namespace: RUNTIME_NAMESPACE };
  return { errors: [{ text: `cannot import ${quote(args.path)} in a remote module: remote modules can import ${importableModules(table).join(', ')}, URLs, and paths relative to their own URL` }] };
}

export function unavailableModuleMessage(specifier: string, table: RuntimeTable): string {
  const available = `${importableModules(table).join(', ')}, npm packages installed beside the script, the script's own files by relative path ("./lib.js"), or modules by https URL`;
  if (isRuntimeLike(specifier)) return `module ${quote(specifier)} is not available in wsk; scripts can import ${available}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return `cannot import ${quote(specifier)}: wsk bundles no built-in modules, and fetches remote ones by https URL only; scripts can import ${available}`;
  return `cannot import ${quote(specifier)}: scripts can import ${available}`;
}

/** `k6/...` and `wsk/...` name modules of the runtime, never packages. */
function isRuntimeLike(specifier: string): boolean {
  return /^(k6|wsk)(\/|$)/.test(specifier);
}

/** Marks esbuild's own lookup of a package, so the plugin does not see it again. */
const PACKAGE_LOOKUP = Symbol('package lookup');

/** A package from the node_modules folders above the importing file, as Node looks them up. */
async function resolvePackage(build: PluginBuild, args: OnResolveArgs, table: RuntimeTable): Promise<OnResolveResult> {
  const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: PACKAGE_LOOKUP });
  if (found.errors.length === 0) return found;
  const name = packageOf(args.path);
  return {
    errors: [
      {
        text: `cannot import package ${quote(name)}: it is not installed in a node_modules folder above ${args.resolveDir} (run \`npm install ${name}\` beside the script); scripts can import ${importableModules(table).join(', ')}, npm packages, or their own files by relative path`,
      },
    ],
  };
}

/** The Node built-in `specifier` names ('fs' for 'node:fs' and 'fs/promises'), if it names one. */
function nodeBuiltin(specifier: string): string | undefined {
  const bare = specifier.startsWith('node:') ? specifier.slice('node:'.length) : specifier;
  const root = bare.split('/')[0]!;
  return builtinModules.includes(bare) || builtinModules.includes(root) || specifier.startsWith('node:') ? root : undefined;
}

/**
 * One line: which package (or the script itself) wants which built-in, and why a VU cannot have it.
 * A VU runs in a sandbox with the JavaScript language and wsk's modules only.
 */
function builtinMessage(specifier: string, builtin: string, importer: string): string {
  const why = `VUs run in a sandbox without Node's modules (files: read them in init code with open(); network: use wsk/http or wsk/ws)`;
  const owner = insidePackage(importer);
  if (owner === undefined) return `cannot import the Node built-in ${quote(specifier)}: ${why}`;
  return `package ${quote(owner)} needs the Node built-in ${quote(builtin)} (imported by ${path.basename(importer)}), which VUs cannot have: ${why}; use a package that runs in browsers, or without Node`;
}

/** 'lodash' for 'lodash/map', '@faker-js/faker' for '@faker-js/faker/locale/en'. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function isPackageName(specifier: string): boolean {
  return /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/.*)?$/i.test(specifier) && !/^[a-z][a-z0-9+.-]*:/i.test(specifier);
}

/** The package a file belongs to when it lives in a node_modules folder, else undefined. */
function insidePackage(file: string): string | undefined {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const first = parts[at + 1]!;
  return first.startsWith('@') && at + 2 < parts.length ? `${first}/${parts[at + 2]}` : first;
}
