/**
 * Header names and values the way k6 shows them: Go's canonical casing ("Content-Type"), repeated
 * headers joined with ", ".
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Servers repeat the same few names, so each is canonicalised once; the cap bounds a hostile server. */
const canonicalNames = new Map<string, string>();
const MAX_CACHED_NAMES = 1024;

/** Go's textproto.CanonicalMIMEHeaderKey: upper-case the first letter and each letter after '-'. */
export function canonicalHeaderName(name: string): string {
  const cached = canonicalNames.get(name);
  if (cached !== undefined) return cached;
  const canonical = canonicalise(name);
  if (canonicalNames.size < MAX_CACHED_NAMES) canonicalNames.set(name, canonical);
  return canonical;
}

function canonicalise(name: string): string {
  // Go leaves a name with characters outside the token set as it is.
  if (!TOKEN.test(name)) return name;
  let out = '';
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

/** A response's headers from Node's raw [name, value, name, value, ...] list. */
export interface ResponseHeaders {
  readonly headers: Record<string, string>;
  readonly setCookies: string[];
}

export function readResponseHeaders(raw: readonly string[]): ResponseHeaders {
  const headers: Record<string, string> = {};
  const setCookies: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = canonicalHeaderName(raw[i] as string);
    const value = raw[i + 1] as string;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : previous + ', ' + value;
    if (name === 'Set-Cookie') setCookies.push(value);
  }
  return { headers, setCookies };
}

/** The headers the client adds or drops, as k6 (Go's http.Client) does. */
export interface HeaderRules {
  readonly userAgent: string;
  /** Basic credentials from the URL's userinfo, or ''. */
  readonly authorization: string;
  /** Cookies for this hop: the request's own, then the jar's. */
  readonly cookie: string;
  /** The previous URL of a redirect chain, or ''. */
  readonly referer: string;
  /** A redirect to another site: credentials and cookies set by the script stay behind. */
  readonly dropCredentials: boolean;
  /** A 301/302/303 turned the request into a GET: the body's headers go with the body. */
  readonly dropBodyHeaders: boolean;
  /** noConnectionReuse: ask for `Connection: close` (unless the script set Connection), as Go does. */
  readonly closeConnection: boolean;
}

/**
 * The request's headers for one hop. Content-Length is always the body's own (Node computes it), as
 * k6 ignores one set by the script; a script-set Cookie header comes before the jar's cookies.
 */
export function requestHeaders(own: Readonly<Record<string, string>>, rules: HeaderRules): Record<string, string> {
  const headers: Record<string, string> = {};
  let hasUserAgent = false;
  let hasAuthorization = false;
  let hasReferer = false;
  let hasConnection = false;
  let cookie = '';
  for (const name in own) {
    const value = own[name] as string;
    switch (name.toLowerCase()) {
      case 'content-length':
        continue;
      case 'cookie':
        if (!rules.dropCredentials) cookie = value;
        continue;
      case 'authorization':
        if (rules.dropCredentials) continue;
        hasAuthorization = true;
        break;
      case 'www-authenticate':
      case 'cookie2':
        if (rules.dropCredentials) continue;
        break;
      case 'user-agent':
        hasUserAgent = true;
        break;
      case 'referer':
        hasReferer = true;
        break;
      case 'connection':
        hasConnection = true;
        break;
      case 'content-type':
      case 'content-encoding':
      case 'content-language':
      case 'content-location':
        if (rules.dropBodyHeaders) continue;
        break;
    }
    headers[name] = value;
  }
  if (!hasUserAgent && rules.userAgent !== '') headers['User-Agent'] = rules.userAgent;
  if (!hasAuthorization && rules.authorization !== '') headers['Authorization'] = rules.authorization;
  if (!hasReferer && rules.referer !== '') headers['Referer'] = rules.referer;
  if (!hasConnection && rules.closeConnection) headers['Connection'] = 'close';
  if (rules.cookie !== '') cookie = cookie === '' ? rules.cookie : cookie + '; ' + rules.cookie;
  if (cookie !== '') headers['Cookie'] = cookie;
  return headers;
}

/** `Basic base64(user:password)` from a URL's userinfo, or ''. */
export function basicAuthorization(url: URL): string {
  if (url.username === '' && url.password === '') return '';
  const credentials = decodeUserinfo(url.username) + ':' + decodeUserinfo(url.password);
  return 'Basic ' + Buffer.from(credentials, 'utf8').toString('base64');
}

function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a stray '%' is taken literally
  }
}
