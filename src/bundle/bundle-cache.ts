/**
 * Bundles kept between runs: a script run again, unchanged, is not bundled again. Bundling starts
 * esbuild's process and talks to it, about 20 ms of CPU, a fifteenth of a one-second test.
 *
 * A kept bundle is used only while everything that decided it is as it was, by the inode, size and
 * modification and change times of each (a change time moves with any write, even one that keeps the
 * modification time, as npm's extracted files do), and for the files it read by their content too
 * (a file system with coarse times would not tell an edit within the same second):
 * - every file esbuild read;
 * - every file an import could have resolved to, present or not (`./util` to util.ts, util.js,
 *   util/index.ts, ...), so a file that appears beside another and would win is seen;
 * - every package.json, tsconfig.json and jsconfig.json from the files' directories up to the root,
 *   present or not (esbuild reads them for module formats and TypeScript settings);
 * - the bundler itself (`makers`: wsk's built code and esbuild's package).
 *
 * A script that imports a package (a bare name other than wsk's and k6's modules) or a module by URL
 * is bundled every run: where such an import resolves depends on more than these files.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportReference } from '../../runtime/protocol.js';
import { packageRoot } from '../package-root.js';
import { writeAtomically } from '../write-atomically.js';
import { isRelativeSpecifier } from './source-files.js';
import type { BundleWarning } from './types.js';

export interface BundleCache {
  /** Where kept bundles are. */
  readonly dir: string;
  /** Files of the bundler itself: a new build of any of them makes every kept bundle stale. */
  readonly makers: readonly string[];
}

/** What a bundle is, as a file can hold it (bundle.ts makes a Bundle of it). */
export interface BundleParts {
  readonly code: string;
  /** esbuild's source map, as JSON text. */
  readonly sourceMap: string;
  /** The rewrite's column maps by file (ColumnMap.toLines()). */
  readonly columns: readonly (readonly [file: string, lines: readonly (readonly [line: number, insertions: readonly (readonly [column: number, length: number])[]])[]])[];
  readonly files: readonly string[];
  readonly warnings: readonly BundleWarning[];
  readonly imports: readonly ImportReference[];
}

/** esbuild's metafile inputs: path (relative to the working directory) → the imports it made. */
export type BundleInputs = Record<string, { readonly imports: readonly { readonly path: string; readonly original?: string; readonly external?: boolean }[] }>;

/** Extensions an import may leave out, or stand for (`./a.js` may be a.ts), in any order esbuild tries them. */
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'jsconfig.json'];
/** Kept bundles beyond this many: the least recently made go. */
const MAX_KEPT = 64;
const FORMAT = 1;
const TICK_SLACK_MS = 20;

/**
 * The cache of wsk's CLI: beside its built code, made by it. None when wsk runs from its TypeScript
 * sources (its own tests), where a change to the bundler's sources would not show in `makers`.
 */
export function defaultBundleCache(): BundleCache | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return undefined;
  const root = packageRoot(here);
  let esbuildPackage: string;
  try {
    esbuildPackage = createRequire(import.meta.url).resolve('esbuild/package.json');
  } catch {
    return undefined;
  }
  return { dir: path.join(root, 'dist', '.bundle-cache'), makers: [here, path.join(root, 'dist', 'bundle', 'cli.cjs'), esbuildPackage] };
}

/** The bundle kept for `entry` run from `cwd`, if nothing that decided it has changed since. */
export function keptBundle(cache: BundleCache, entry: string, cwd: string): BundleParts | undefined {
  const kept = readKept(keptFile(cache, entry, cwd), `${entry}\n${cwd}`);
  try {
    return kept === undefined ? undefined : (JSON.parse(kept) as BundleParts);
  } catch {
    return undefined; // not a bundle after all: bundle it
  }
}

/**
 * Keeps `parts`, bundled from a start at `startedMs` (wall clock), for the next run of `entry` from
 * `cwd`, when every import is one the states can vouch for. Not when a file it read changed after
 * the start: esbuild may have read it before the change, and the states would vouch for the new
 * content. A package directory that cannot be written to keeps nothing.
 */
export function keepBundle(cache: BundleCache, entry: string, cwd: string, parts: BundleParts, inputs: BundleInputs, names: InputNames, startedMs: number): void {
  const watched = watchedPaths(cache, cwd, inputs, names);
  if (watched === undefined || [...watched.read].some((file) => changedAfter(file, startedMs))) return;
  if (keep(keptFile(cache, entry, cwd), JSON.stringify(parts), watched.paths, `${entry}\n${cwd}`, watched.read)) prune(cache.dir);
}

/**
 * Whether `file` may have changed after `startedMs`. File times come from a clock the kernel moves
 * once a tick (up to 10 ms behind), and some file systems count whole seconds.
 */
function changedAfter(file: string, startedMs: number): boolean {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (stat === undefined) return false;
  const slackMs = stat.ctimeNs % 1_000_000_000n === 0n ? 2000 : TICK_SLACK_MS;
  return Number(stat.ctimeNs / 1_000_000n) >= startedMs - slackMs;
}

/**
 * What `keep` wrote to `file` for `context`, if every path it watched is as it was then: one file,
 * its first line the states (JSON), so runs that start together never read the content of one build
 * with the states of another, and a run reads only that line when the build is stale.
 */
export function readKept(file: string, context: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const lineEnd = text.indexOf('\n');
    if (lineEnd === -1) return undefined;
    const head = JSON.parse(text.slice(0, lineEnd)) as { format: number; context: string; states: [string, string][] };
    if (head.format !== FORMAT || head.context !== context) return undefined;
    for (const [watched, state] of head.states) if (stateOf(watched, state.includes('#')) !== state) return undefined;
    return text.slice(lineEnd + 1);
  } catch {
    return undefined; // none kept, or of another layout: build it
  }
}

/**
 * Keeps `content`, made from `watched`, for readKept; the files in `read` are checked by their content
 * too. False where it cannot (a read-only install builds each time).
 */
export function keep(file: string, content: string, watched: Iterable<string>, context: string, read: ReadonlySet<string> = new Set()): boolean {
  try {
    const states = [...watched].map((watchedPath): [string, string] => [watchedPath, stateOf(watchedPath, read.has(watchedPath))]);
    writeAtomically(file, `${JSON.stringify({ format: FORMAT, context, states })}\n${content}`);
    return true;
  } catch {
    return false;
  }
}

/** Inputs that are not files: wsk's runtime modules (`<namespace>:wsk/ws`) and the entry esbuild reads from stdin. */
export interface InputNames {
  readonly runtimeNamespace: string;
  readonly stdin: string;
}

/**
 * Every path whose state decides the bundle, and those of them read for it (the inputs and the
 * configuration files); undefined when an import depends on more (a package, a URL).
 */
function watchedPaths(cache: BundleCache, cwd: string, inputs: BundleInputs, { runtimeNamespace, stdin }: InputNames): { paths: Set<string>; read: Set<string> } | undefined {
  const watched = new Set<string>(cache.makers);
  const read = new Set<string>();
  const directories = new Set<string>();
  for (const [input, { imports }] of Object.entries(inputs)) {
    if (input.startsWith(`${runtimeNamespace}:`)) continue;
    // Another namespace (a module by URL); a drive letter is not one.
    if (/^[a-z][\w-]+:/i.test(input)) return undefined;
    // The stdin entry (named in the script's directory) imports the script by its absolute path, an input itself.
    if (path.basename(input) === stdin) continue;
    const file = path.resolve(cwd, input);
    watched.add(file);
    read.add(file);
    directories.add(path.dirname(file));
    for (const { path: resolved, original, external } of imports) {
      if (resolved.startsWith(`${runtimeNamespace}:`)) continue;
      if (external === true || original === undefined || !isRelativeSpecifier(original)) return undefined;
      for (const candidate of candidates(path.resolve(path.dirname(file), original))) watched.add(candidate);
    }
  }
  for (let directory of directories) {
    for (;;) {
      for (const name of CONFIG_FILES) {
        watched.add(path.join(directory, name));
        read.add(path.join(directory, name));
      }
      const parent = path.dirname(directory);
      if (parent === directory) break;
      directory = parent;
    }
  }
  return { paths: watched, read };
}

/** The files an import of `base` may resolve to. */
function candidates(base: string): string[] {
  const stems = [base, base.replace(/\.[cm]?jsx?$/, '')];
  return [
    ...stems.flatMap((stem) => EXTENSIONS.map((extension) => stem + extension)),
    ...EXTENSIONS.slice(1).map((extension) => path.join(base, `index${extension}`)),
    path.join(base, 'package.json'),
  ];
}

/**
 * A path's inode, size and modification and change times (ns), and with `read` a file's content hash
 * after a '#'; '' when there is nothing there (`a.ts/index.ts` included).
 */
function stateOf(file: string, read = false): string {
  try {
    const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (stat === undefined) return '';
    const state = `${stat.ino}-${stat.size}-${stat.mtimeNs}-${stat.ctimeNs}`;
    return read && stat.isFile() ? `${state}#${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 32)}` : state;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return '';
    throw error;
  }
}

function keptFile(cache: BundleCache, entry: string, cwd: string): string {
  return path.join(cache.dir, `${createHash('sha256').update(`${entry}\n${cwd}`).digest('hex').slice(0, 16)}.bundle`);
}

/** Drops the bundles made least recently beyond MAX_KEPT. */
function prune(dir: string): void {
  const kept = readdirSync(dir).filter((name) => name.endsWith('.bundle'));
  if (kept.length <= MAX_KEPT) return;
  const byAge = kept.map((name) => ({ name, madeMs: statSync(path.join(dir, name)).mtimeMs })).sort((a, b) => a.madeMs - b.madeMs);
  for (const { name } of byAge.slice(0, kept.length - MAX_KEPT)) rmSync(path.join(dir, name), { force: true });
}
