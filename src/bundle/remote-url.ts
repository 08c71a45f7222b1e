/**
 * Which URLs a script may import, and how a remote module's own imports resolve. Modules come
 * over HTTPS; plain HTTP only from this machine (a local mirror, a test server), since anyone on
 * the path could change a module fetched over the network in the clear. Checked before any
 * connection is made.
 */
import path from 'node:path';

/** esbuild's namespace for remote modules: their paths are URLs, not files. */
export const REMOTE_NAMESPACE = 'remote';

/** `https://...` or `http://...`: an import wsk fetches. */
export function isRemoteUrl(specifier: string): boolean {
  return /^https?:\/\//i.test(specifier);
}

/** Why `url` may not be fetched, or undefined when it may. */
export function refusedUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a valid URL';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'a URL with credentials would be written to wsk.lock.json; serve the module without them';
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return undefined;
  if (parsed.protocol === 'http:') return 'plain http is allowed only from this machine (127.x.x.x, [::1], localhost), where nobody on the network can change the module on its way; use https';
  return `wsk fetches modules over https only (and http from this machine)`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The URL an import inside the remote module `importer` names: a relative or root-relative path
 * resolves against the importer's URL as written (the URL it was imported by, as k6 does, so a
 * run from the cache resolves the same way as one that followed redirects); a URL stands as is.
 * Undefined for bare specifiers (`k6/http`, a package).
 */
export function remoteImport(specifier: string, importer: string): string | undefined {
  if (isRemoteUrl(specifier)) return normalizeUrl(specifier);
  if (/^\.{0,2}\//.test(specifier)) return new URL(specifier, importer).href;
  return undefined;
}

/** One spelling per module: `HTTPS://Host:443/a/../b.js` and `https://host/b.js` are the same import. */
export function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The file or URL an esbuild path names: `remote:<url>` in source maps and metafiles, a URL or a path relative to `dir`. */
export function moduleOfEsbuildPath(esbuildPath: string, dir: string): string {
  const prefix = `${REMOTE_NAMESPACE}:`;
  const unprefixed = esbuildPath.startsWith(prefix) ? esbuildPath.slice(prefix.length) : esbuildPath;
  return isRemoteUrl(unprefixed) ? unprefixed : path.resolve(dir, esbuildPath);
}
