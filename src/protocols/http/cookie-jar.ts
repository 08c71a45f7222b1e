/**
 * A cookie jar, with the RFC 6265 rules of Go's net/http/cookiejar (which k6 uses, without a
 * public-suffix list): host-only cookies when Set-Cookie names no Domain, a Domain must domain-match
 * the host (an IP host only itself), the default path from the request path, Max-Age before Expires,
 * Secure cookies sent over https only, longer paths first in the Cookie header.
 *
 * Node-free: the jars live in the sandbox (a script reads them synchronously, and a jar it drops is
 * collected with it); a request carries its jar's cookies to the host, which follows the redirect
 * chain with a copy and sends back each hop's Set-Cookie lines for the sandbox to store.
 */
import type { CookieOptions } from './api.js';
import type { ResponseCookie } from './client/types.js';

/** A Set-Cookie line, read as Go's http.readSetCookies does. */
export interface ParsedCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  /** Go's convention: 0 absent, -1 "delete now", else seconds. */
  readonly maxAge: number;
  /** Unix milliseconds; NaN when absent or unreadable. */
  readonly expires: number;
  readonly secure: boolean;
  readonly httpOnly: boolean;
}

/** What `jar.set()` takes: k6's options, as scripts write them. */
export type { CookieOptions };

/** A cookie as a jar holds it; what a request carries to the host. */
export interface JarCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly path: string;
  readonly hostOnly: boolean;
  readonly secure: boolean;
  /** Unix milliseconds; Infinity for a session cookie. */
  readonly expires: number;
  /** Order of first creation, kept when a cookie is replaced (RFC 6265 5.3 step 11). */
  readonly created: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function parseSetCookie(line: string): ParsedCookie | undefined {
  const parts = line.split(';');
  const pair = (parts[0] ?? '').trim();
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  if (!TOKEN.test(name)) return undefined;
  let value = pair.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  let domain = '';
  let path = '';
  let maxAge = 0;
  let expires = NaN;
  let secure = false;
  let httpOnly = false;
  for (let i = 1; i < parts.length; i++) {
    const attribute = (parts[i] ?? '').trim();
    const at = attribute.indexOf('=');
    const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
    const arg = at < 0 ? '' : attribute.slice(at + 1).trim();
    if (key === 'secure') secure = true;
    else if (key === 'httponly') httpOnly = true;
    else if (key === 'domain') domain = arg;
    else if (key === 'path') path = arg;
    else if (key === 'max-age') {
      if (!/^-?\d+$/.test(arg)) continue;
      const seconds = Number(arg);
      maxAge = seconds <= 0 ? -1 : seconds;
    } else if (key === 'expires') expires = Date.parse(arg);
  }
  return { name, value, domain, path, maxAge, expires, secure, httpOnly };
}

/** k6's `res.cookies` shape: name → the cookies of that name, in the order of the headers. */
export function responseCookies(setCookies: readonly string[]): Record<string, ResponseCookie[]> {
  const cookies: Record<string, ResponseCookie[]> = {};
  for (const line of setCookies) {
    const c = parseSetCookie(line);
    if (c === undefined) continue;
    const cookie: ResponseCookie = {
      name: c.name,
      value: c.value,
      domain: c.domain,
      path: c.path,
      http_only: c.httpOnly,
      secure: c.secure,
      max_age: c.maxAge,
      expires: Number.isNaN(c.expires) ? 0 : c.expires,
    };
    (cookies[c.name] ??= []).push(cookie);
  }
  return cookies;
}

export class CookieJar {
  readonly #now: () => number;
  /** Keyed by domain, path and name: a cookie with the same three replaces the old one. */
  readonly #cookies = new Map<string, JarCookie>();
  #created = 0;

  /** `now` gives Unix milliseconds; injected so expiry is tested without waiting. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A jar holding `cookies` (another jar's `cookies()`), in their order of creation. */
  static of(cookies: readonly JarCookie[], now?: () => number): CookieJar {
    const jar = new CookieJar(now);
    for (const c of cookies) jar.#cookies.set(keyOf(c.domain, c.path, c.name), c);
    jar.#created = cookies.reduce((next, c) => Math.max(next, c.created + 1), 0);
    return jar;
  }

  /** Every cookie the jar holds (expired ones included until a lookup drops them). */
  cookies(): JarCookie[] {
    return [...this.#cookies.values()];
  }

  /** As k6's `jar.set(url, name, value, options)`: stored as if `url` had answered with this Set-Cookie. */
  set(url: string, name: string, value: string, options: CookieOptions = {}): void {
    const target = jarUrl(url, 'set');
    this.#save(target, {
      name,
      value,
      domain: options.domain ?? '',
      path: options.path ?? '',
      maxAge: options.max_age === undefined || options.max_age === 0 ? 0 : options.max_age < 0 ? -1 : options.max_age,
      expires: options.expires === undefined ? NaN : Date.parse(options.expires),
      secure: options.secure ?? false,
      httpOnly: options.http_only ?? false,
    });
  }

  /** As k6's `jar.cookiesForURL(url)`: name → values of the cookies a request to `url` would carry. */
  cookiesForUrl(url: string): Record<string, string[]> {
    const found: Record<string, string[]> = {};
    for (const c of this.#matching(jarUrl(url, 'cookiesForURL'))) (found[c.name] ??= []).push(c.value);
    return found;
  }

  /** Removes the cookies named `name` that a request to `url` would carry. */
  delete(url: string, name: string): void {
    for (const c of this.#matching(jarUrl(url, 'delete'))) if (c.name === name) this.#cookies.delete(keyOf(c.domain, c.path, c.name));
  }

  /** Removes every cookie a request to `url` would carry. */
  clear(url: string): void {
    for (const c of this.#matching(jarUrl(url, 'clear'))) this.#cookies.delete(keyOf(c.domain, c.path, c.name));
  }

  /** Stores a response's Set-Cookie headers; unreadable or illegal ones are ignored, as browsers do. */
  store(url: string, setCookies: readonly string[]): void {
    const target = jarUrl(url, 'store');
    for (const line of setCookies) {
      const cookie = parseSetCookie(line);
      if (cookie !== undefined) this.#save(target, cookie);
    }
  }

  /** The Cookie header value for a request to `url` ('' when none). */
  header(url: string): string {
    if (this.#cookies.size === 0) return '';
    let header = '';
    for (const c of this.#matching(jarUrl(url, 'header'))) header += (header === '' ? '' : '; ') + c.name + '=' + c.value;
    return header;
  }

  #save(url: JarUrl, cookie: ParsedCookie): void {
    const scope = domainScope(url.host, cookie.domain);
    if (scope === undefined) return;
    const path = cookie.path.startsWith('/') ? cookie.path : defaultPath(url.path);
    const key = keyOf(scope.domain, path, cookie.name);
    const now = this.#now();
    let expires = Infinity;
    if (cookie.maxAge < 0) expires = -Infinity;
    else if (cookie.maxAge > 0) expires = now + cookie.maxAge * 1000;
    else if (!Number.isNaN(cookie.expires)) expires = cookie.expires;
    if (expires <= now) {
      this.#cookies.delete(key);
      return;
    }
    const old = this.#cookies.get(key);
    this.#cookies.set(key, {
      name: cookie.name,
      value: cookie.value,
      domain: scope.domain,
      path,
      hostOnly: scope.hostOnly,
      secure: cookie.secure,
      expires,
      created: old === undefined ? this.#created++ : old.created,
    });
  }

  /** The live cookies for `url`, in Cookie header order; expired ones are dropped on the way. */
  #matching(url: JarUrl): JarCookie[] {
    const { host, path, secure } = url;
    const now = this.#now();
    const found: JarCookie[] = [];
    for (const [key, c] of this.#cookies) {
      if (c.expires <= now) {
        this.#cookies.delete(key);
        continue;
      }
      if (c.secure && !secure) continue;
      if (c.hostOnly ? host !== c.domain : !domainMatches(host, c.domain)) continue;
      if (!pathMatches(path, c.path)) continue;
      found.push(c);
    }
    if (found.length > 1) found.sort((a, b) => b.path.length - a.path.length || a.created - b.created);
    return found;
  }
}

/** The domain a cookie is stored under and whether it is host-only; undefined when the host may not set it. */
export function domainScope(host: string, domainAttribute: string): { domain: string; hostOnly: boolean } | undefined {
  if (domainAttribute === '') return { domain: host, hostOnly: true };
  // An IP has no parent domains: a Domain attribute is only legal when it is the IP itself.
  if (isIp(host)) return domainAttribute === host ? { domain: host, hostOnly: true } : undefined;
  const domain = (domainAttribute.startsWith('.') ? domainAttribute.slice(1) : domainAttribute).toLowerCase();
  if (domain === '' || domain.startsWith('.') || domain.endsWith('.')) return undefined;
  if (!domainMatches(host, domain)) return undefined;
  return { domain, hostOnly: false };
}

export function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(domain) && host.charCodeAt(host.length - domain.length - 1) === 0x2e && !isIp(host));
}

/** RFC 6265 5.1.4: the request path is the cookie path, or below it. */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath.charCodeAt(cookiePath.length) === 0x2f;
}

/** RFC 6265 5.1.4: the directory of the request path. */
export function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const slash = requestPath.lastIndexOf('/');
  return slash === 0 ? '/' : requestPath.slice(0, slash);
}

function keyOf(domain: string, path: string, name: string): string {
  return domain + ';' + path + ';' + name;
}

/** What a jar needs of a URL. */
interface JarUrl {
  /** Lower case, without the brackets of an IPv6 address. */
  readonly host: string;
  /** From the first '/', without query or fragment; '/' when empty. */
  readonly path: string;
  readonly secure: boolean;
}

const ABSOLUTE_URL = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::\d*)?([^?#]*)/i;

/** The host, path and scheme of an absolute URL (the sandbox has no URL class). */
function jarUrl(url: string, method: string): JarUrl {
  const match = typeof url === 'string' ? ABSOLUTE_URL.exec(url) : null;
  if (match === null || match[2] === '') {
    throw new TypeError(`CookieJar.${method}(): invalid URL ${typeof url === 'string' ? JSON.stringify(url) : String(url)}; use an absolute URL such as "https://example.com/"`);
  }
  const scheme = match[1]!.toLowerCase();
  const host = match[2]!.toLowerCase();
  const path = match[3]!;
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, path: path === '' ? '/' : path, secure: scheme === 'https' || scheme === 'wss' };
}

/** An IPv4 or IPv6 address (which has no parent domains), not a name. */
function isIp(host: string): boolean {
  return host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
