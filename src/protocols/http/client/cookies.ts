/**
 * A VU's cookie jar, with the RFC 6265 rules of Go's net/http/cookiejar (which k6 uses, without a
 * public-suffix list): host-only cookies when Set-Cookie names no Domain, a Domain must domain-match
 * the host (an IP host only itself), the default path from the request path, Max-Age before Expires,
 * Secure cookies sent over https only, longer paths first in the Cookie header.
 */
import { isIP } from 'node:net';
import { quote, scriptError } from '../../../errors.js';
import type { ResponseCookie } from './types.js';

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

export interface CookieOptions {
  domain?: string;
  path?: string;
  /** A date as in an Expires attribute, e.g. "Mon, 02 Jan 2006 15:04:05 GMT". */
  expires?: string;
  max_age?: number;
  secure?: boolean;
  http_only?: boolean;
}

interface StoredCookie {
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
  readonly #cookies = new Map<string, StoredCookie>();
  #created = 0;

  /** `now` gives Unix milliseconds; injected so expiry is tested without waiting. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** As k6's `jar.set(url, name, value, options)`: stored as if `url` had answered with this Set-Cookie. */
  set(url: string | URL, name: string, value: string, options: CookieOptions = {}): void {
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
  cookiesForUrl(url: string | URL): Record<string, string[]> {
    const found: Record<string, string[]> = {};
    for (const c of this.#matching(jarUrl(url, 'cookiesForURL'))) (found[c.name] ??= []).push(c.value);
    return found;
  }

  /** Removes the cookies named `name` that a request to `url` would carry. */
  delete(url: string | URL, name: string): void {
    for (const c of this.#matching(jarUrl(url, 'delete'))) if (c.name === name) this.#cookies.delete(keyOf(c.domain, c.path, c.name));
  }

  /** Removes every cookie a request to `url` would carry. */
  clear(url: string | URL): void {
    for (const c of this.#matching(jarUrl(url, 'clear'))) this.#cookies.delete(keyOf(c.domain, c.path, c.name));
  }

  /** Stores a response's Set-Cookie headers; unreadable or illegal ones are ignored, as browsers do. */
  store(url: string | URL, setCookies: readonly string[]): void {
    const target = jarUrl(url, 'store');
    for (const line of setCookies) {
      const cookie = parseSetCookie(line);
      if (cookie !== undefined) this.#save(target, cookie);
    }
  }

  /** The Cookie header value for a request to `url` ('' when none). */
  header(url: string | URL): string {
    if (this.#cookies.size === 0) return '';
    let header = '';
    for (const c of this.#matching(jarUrl(url, 'header'))) header += (header === '' ? '' : '; ') + c.name + '=' + c.value;
    return header;
  }

  #save(url: URL, cookie: ParsedCookie): void {
    const host = hostOf(url);
    const scope = domainScope(host, cookie.domain);
    if (scope === undefined) return;
    const path = cookie.path.startsWith('/') ? cookie.path : defaultPath(url.pathname);
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
  #matching(url: URL): StoredCookie[] {
    const host = hostOf(url);
    const path = url.pathname === '' ? '/' : url.pathname;
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    const now = this.#now();
    const found: StoredCookie[] = [];
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
  if (isIP(host) !== 0) return domainAttribute === host ? { domain: host, hostOnly: true } : undefined;
  const domain = (domainAttribute.startsWith('.') ? domainAttribute.slice(1) : domainAttribute).toLowerCase();
  if (domain === '' || domain.startsWith('.') || domain.endsWith('.')) return undefined;
  if (!domainMatches(host, domain)) return undefined;
  return { domain, hostOnly: false };
}

export function domainMatches(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(domain) && host.charCodeAt(host.length - domain.length - 1) === 0x2e && isIP(host) === 0);
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

/** The host without the brackets URL keeps around an IPv6 address, so isIP recognises it. */
function hostOf(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

function jarUrl(url: string | URL, method: string): URL {
  if (typeof url !== 'string') return url;
  try {
    return new URL(url);
  } catch {
    throw scriptError('SCRIPT_EXCEPTION', `CookieJar.${method}: invalid URL ${quote(url)}; use an absolute URL such as "https://example.com/"`);
  }
}
