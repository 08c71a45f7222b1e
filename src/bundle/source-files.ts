/**
 * The user's script files and remote modules as the bundler finds them, without parsing: where a
 * file is read from, which modules are scripts, and how a relative import resolves, the way
 * esbuild does. Free of the TypeScript compiler, so a script that needs no analysis never loads it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRemoteUrl, normalizeUrl, remoteImport } from './remote-url.js';

/** Where the analysis reads files from: the disk, or a table of strings in tests. */
export interface SourceHost {
  /** The text of a file (by absolute path) or of a fetched remote module (by URL); undefined when there is none. */
  readFile(absolutePath: string): string | undefined;
}

export const diskHost: SourceHost = {
  readFile(absolutePath) {
    try {
      return readFileSync(absolutePath, 'utf8');
    } catch {
      // Missing or unreadable: esbuild reports it with the importing line, which is the better message.
      return undefined;
    }
  },
};

/** Files the analysis parses; anything else (JSON) is bundled untouched. */
export const SCRIPT_FILE = /\.[cm]?[jt]s$/;

/** Whether the analysis parses the module at a path or URL: a remote module is a script unless it is JSON. */
export function isScriptModule(module: string): boolean {
  return isRemoteUrl(module) ? !/\.json$/i.test(new URL(module).pathname) : SCRIPT_FILE.test(module);
}

/** Whether a file or remote module is TypeScript, by its extension (a URL's query does not count). */
export function isTypeScript(module: string): boolean {
  return /\.[cm]?ts$/.test(isRemoteUrl(module) ? new URL(module).pathname : module);
}

/** An import of source wsk bundles and analyses: one of the user's files, or a remote module (by URL). */
export function isSourceSpecifier(specifier: string): boolean {
  return isRelativeSpecifier(specifier) || isRemoteUrl(specifier);
}

/**
 * The module an import of `from` names: a file found on `host` for a relative import, a URL for a
 * remote one (a remote module's relative imports resolve against its URL); undefined for others.
 */
export function importTarget(host: SourceHost, from: string, specifier: string): string | undefined {
  if (isRemoteUrl(from)) return remoteImport(specifier, from);
  if (isRemoteUrl(specifier)) return normalizeUrl(specifier);
  return isRelativeSpecifier(specifier) ? resolveRelative(host, from, specifier) : undefined;
}

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || path.isAbsolute(specifier);
}

/**
 * The file a relative import names, trying what esbuild tries for the extensions wsk bundles:
 * the exact path, TypeScript's `./lib.js` meaning `./lib.ts`, added extensions, then index files.
 */
export function resolveRelative(host: SourceHost, fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base];
  const swapped = base.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts').replace(/\.cjs$/, '.cts');
  if (swapped !== base) candidates.push(swapped);
  for (const extension of ['.ts', '.js', '.mjs', '.json']) candidates.push(base + extension);
  for (const extension of ['.ts', '.js', '.mjs']) candidates.push(path.join(base, `index${extension}`));
  return candidates.find((candidate) => host.readFile(candidate) !== undefined);
}
