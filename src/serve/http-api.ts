/**
 * The HTTP API every built-in target serves on its one port, beside the WebSocket upgrade: enough to
 * script a user journey (log in, fetch, open an authenticated socket, log out) and to test an HTTP
 * client's statuses, delays, redirects, cookies and bodies. JSON answers carry `content-type: application/json`;
 * errors of a request's values are `{"error": "..."}` with 400 or 401. HEAD is allowed wherever GET is.
 *
 *   GET  /health             200 "ok" (text/plain)
 *   POST /login              body {"username": U, "password": P} (JSON) or username=U&password=P (form-encoded):
 *                            200 {"token": T, "user": U} and `Set-Cookie: session=T; Path=/; HttpOnly`;
 *                            401 when P is "wrong"; 400 for bad JSON or a missing or empty field
 *   GET  /items              with `Authorization: Bearer T` or the cookie session=T, T a token still known:
 *                            200 {"user": U, "items": [{"id": 1, "name": "apple"}, ...]}; else 401
 *   POST /logout             forgets the token (header or cookie): 200 {"ok": true}, `Set-Cookie: session=; Path=/; Max-Age=0`
 *   GET  /delay/MS           MS 0..60000: 200 {"delayed": MS} after MS ms (abandoned if the client goes away)
 *   ANY  /status/CODE        CODE 200..599: that status, with its reason phrase as text (no body for 204 and 304)
 *   GET  /cookies            200 {"cookies": {NAME: VALUE, ...}} of the request's Cookie header
 *   GET  /cookies/set?N=V&…  sets each pair as a cookie (Path=/) and answers as /cookies with the cookies the
 *                            request carried before; a name or value that cannot be a cookie is a 400
 *   GET  /redirect/N         N 0..50: 302 to /redirect/N-1, and /redirect/0 to /get
 *   GET  /get                200 {"url": URL, "headers": {...}}
 *   ANY  /anything[/…]       200 {"method", "url", "headers", "body" (UTF-8 text), "form" (when form-encoded or
 *                            multipart), "files" (when multipart: {NAME: content as UTF-8 text}), "json" (when
 *                            JSON; null if it does not parse)}; a field sent more than once is an array of its
 *                            values; a multipart body that does not parse is a 400
 *   GET  /html               200 a fixed page (text/html): a title, a list of links (a.nav), a login form
 *                            (#login: text, password, hidden, checkbox, select, textarea, submit) and a table of
 *                            ITEMS (#items, a header row and one row per item, each with data-id)
 *   GET  /bytes/N            N 0..10000000: N deterministic bytes (application/octet-stream), byte i = byte i % 65536 of a fixed block
 *   anything else            404 "not found"; a known path with another method 405 (with `Allow`);
 *                            a body over 10 MiB 413, and the connection is closed
 *
 * Tokens are random hex, shared with the WebSocket upgrade: an upgrade presenting a token
 * (`Authorization: Bearer T`, `?token=T` or the cookie session=T) is refused with 401 unless the target
 * issued T; one presenting none is accepted. The newest 100,000 tokens are remembered.
 */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';
import { abortError } from '../clock.js';
import { toArrayBuffer } from '../net/bytes.js';
import { quote } from '../errors.js';
import type { Clock } from '../types.js';
import { endOnAbort } from './background.js';
import { mulberry32 } from './random.js';

export const MAX_BODY_BYTES = 10 * 2 ** 20;
export const MAX_SESSIONS = 100_000;
export const MAX_DELAY_MS = 60_000;
export const MAX_REDIRECTS = 50;
export const MAX_BYTES = 10_000_000;
export const ITEMS: readonly { readonly id: number; readonly name: string }[] = [
  { id: 1, name: 'apple' },
  { id: 2, name: 'banana' },
  { id: 3, name: 'cherry' },
];

const TEXT = { 'content-type': 'text/plain' } as const;
/** GET /html: a page to parse, with what scripts look for in one (links, a form, a table). */
export const HTML_PAGE = Buffer.from(
  [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8"><title>wsk target</title></head>',
    '<body>',
    '<h1 id="top" class="title main">Items</h1>',
    '<ul id="nav">',
    '<li><a class="nav" href="/items">Items</a></li>',
    '<li><a class="nav" href="/get">Echo</a></li>',
    '<li><a class="nav external" href="/health" data-kind="probe">Health</a></li>',
    '</ul>',
    '<form id="login" action="/login" method="POST">',
    '<input type="text" name="username" value="alice">',
    '<input type="password" name="password" value="secret">',
    '<input type="hidden" name="csrf" value="t0k3n">',
    '<input type="checkbox" name="remember" checked="checked">',
    '<select name="lang"><option value="en" selected>English</option><option value="fr">Français</option></select>',
    '<textarea name="note">hello</textarea>',
    '<input type="submit" value="Log in">',
    '</form>',
    '<table id="items"><thead><tr><th>id</th><th>name</th></tr></thead><tbody>',
    ...ITEMS.map(({ id, name }) => `<tr data-id="${id}"><td>${id}</td><td class="name">${name}</td></tr>`),
    '</tbody></table>',
    '</body></html>',
    '',
  ].join('\n'),
  'utf8',
);
// A fixed length, so the benchmarks' answer is one write without chunked framing.
const HEALTH = { 'content-type': 'text/plain', 'content-length': '2' } as const;
/** GET /bytes' repeating block, made on the first such request: every `wsk` command loads this module. */
let repeatingBlock: Buffer | undefined;
// RFC 6265: a cookie name is an HTTP token, a value is cookie-octets (no space, quote, comma, semicolon or backslash).
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** The tokens POST /login issued, with their users; past `limit`, the oldest is forgotten. */
export class Sessions {
  // A Map iterates in insertion order, so its first key is the oldest token.
  private readonly users = new Map<string, string>();

  constructor(private readonly limit: number = MAX_SESSIONS) {}

  issue(user: string): string {
    const token = randomBytes(16).toString('hex');
    this.users.set(token, user);
    if (this.users.size > this.limit) this.users.delete(this.users.keys().next().value as string);
    return token;
  }

  userOf(token: string | undefined): string | undefined {
    return token === undefined ? undefined : this.users.get(token);
  }

  forget(token: string | undefined): void {
    if (token !== undefined) this.users.delete(token);
  }

  get size(): number {
    return this.users.size;
  }
}

export interface HttpApi {
  /** The server's 'request' listener. */
  answer(request: IncomingMessage, response: ServerResponse): void;
  /** For the WebSocket upgrade: false when the request presents a token this target did not issue. */
  acceptsUpgrade(request: IncomingMessage): boolean;
}

/** One request being answered. */
interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly query: URLSearchParams;
  /** The path's captured parameter, for routes such as /delay/MS. */
  readonly param: string;
}

interface Route {
  readonly path: RegExp;
  /** The methods allowed; undefined allows any. */
  readonly methods?: readonly string[];
  handle(exchange: Exchange): void | Promise<void>;
}

const GET = ['GET', 'HEAD'];
const POST = ['POST'];

export function createHttpApi(clock: Clock, sessions: Sessions = new Sessions()): HttpApi {
  const routes = apiRoutes(clock, sessions);
  return {
    answer(request, response) {
      // The benchmarks' path: no parsing, no allocation beyond Node's own.
      if (request.url === '/health' && request.method === 'GET') {
        response.writeHead(200, HEALTH).end('ok');
        return;
      }
      const url = request.url ?? '/';
      const queryAt = url.indexOf('?');
      const path = queryAt === -1 ? url : url.slice(0, queryAt);
      const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
      for (const route of routes) {
        const match = route.path.exec(path);
        if (match === null) continue;
        if (route.methods !== undefined && !route.methods.includes(request.method ?? '')) {
          sendText(response, 405, 'method not allowed', { allow: route.methods.join(', ') });
        } else if (Number(request.headers['content-length']) > MAX_BODY_BYTES) {
          tooLarge(response);
        } else {
          void Promise.resolve(route.handle({ request, response, query, param: match[1] ?? '' })).catch(endOnAbort);
        }
        return;
      }
      sendText(response, 404, 'not found');
    },
    acceptsUpgrade(request) {
      const token = bearerToken(request.headers) ?? upgradeQueryToken(request.url) ?? parseCookies(request.headers.cookie)['session'];
      return token === undefined || sessions.userOf(token) !== undefined;
    },
  };
}

function apiRoutes(clock: Clock, sessions: Sessions): Route[] {
  const tokenOf = (request: IncomingMessage): string | undefined =>
    bearerToken(request.headers) ?? parseCookies(request.headers.cookie)['session'];
  return [
    { path: /^\/health$/, methods: GET, handle: ({ response }) => void response.writeHead(200, HEALTH).end('ok') },
    {
      path: /^\/login$/,
      methods: POST,
      async handle({ request, response }) {
        const body = await readBody(request);
        if (body === undefined) return tooLarge(response);
        const login = credentials(body, mediaType(request));
        if (typeof login === 'string') return sendJson(response, 400, { error: login });
        if (login.password === 'wrong') return sendJson(response, 401, { error: 'invalid credentials' });
        const token = sessions.issue(login.username);
        sendJson(response, 200, { token, user: login.username }, { 'set-cookie': `session=${token}; Path=/; HttpOnly` });
      },
    },
    {
      path: /^\/items$/,
      methods: GET,
      handle({ request, response }) {
        const user = sessions.userOf(tokenOf(request));
        if (user === undefined) {
          sendJson(response, 401, { error: 'missing or unknown token' }, { 'www-authenticate': 'Bearer' });
        } else {
          sendJson(response, 200, { user, items: ITEMS });
        }
      },
    },
    {
      path: /^\/logout$/,
      methods: POST,
      handle({ request, response }) {
        sessions.forget(tokenOf(request));
        sendJson(response, 200, { ok: true }, { 'set-cookie': 'session=; Path=/; Max-Age=0' });
      },
    },
    {
      path: /^\/delay\/([^/]*)$/,
      methods: GET,
      async handle({ response, param }) {
        const ms = wholeNumber(param, 0, MAX_DELAY_MS);
        if (ms === undefined) return badParam(response, '/delay', param, 0, MAX_DELAY_MS);
        // 'close' also comes when the target closes: server.close() ends every connection.
        const clientGone = new AbortController();
        response.once('close', () => clientGone.abort());
        await clock.sleepUntil(clock.now() + ms, clientGone.signal);
        sendJson(response, 200, { delayed: ms });
      },
    },
    {
      path: /^\/status\/([^/]*)$/,
      handle({ response, param }) {
        const code = wholeNumber(param, 200, 599);
        if (code === undefined) return badParam(response, '/status', param, 200, 599);
        if (code === 204 || code === 304) return void response.writeHead(code).end();
        sendText(response, code, STATUS_CODES[code] ?? `status ${code}`);
      },
    },
    {
      path: /^\/cookies$/,
      methods: GET,
      handle: ({ request, response }) => sendJson(response, 200, { cookies: parseCookies(request.headers.cookie) }),
    },
    {
      path: /^\/cookies\/set$/,
      methods: GET,
      handle({ request, response, query }) {
        const pairs = [...query];
        const bad = pairs.find(([name, value]) => !COOKIE_NAME.test(name) || !COOKIE_VALUE.test(value));
        if (bad !== undefined) {
          const [name, value] = bad;
          const error = `/cookies/set: cannot set cookie ${quote(name)}=${quote(value)}; expected a token name and a value without spaces, quotes, commas, semicolons or backslashes`;
          return sendJson(response, 400, { error });
        }
        const setCookie = pairs.map(([name, value]) => `${name}=${value}; Path=/`);
        sendJson(response, 200, { cookies: parseCookies(request.headers.cookie) }, { 'set-cookie': setCookie });
      },
    },
    {
      path: /^\/redirect\/([^/]*)$/,
      methods: GET,
      handle({ response, param }) {
        const n = wholeNumber(param, 0, MAX_REDIRECTS);
        if (n === undefined) return badParam(response, '/redirect', param, 0, MAX_REDIRECTS);
        sendText(response, 302, 'Found', { location: n === 0 ? '/get' : `/redirect/${n - 1}` });
      },
    },
    {
      path: /^\/get$/,
      methods: GET,
      handle: ({ request, response }) => sendJson(response, 200, { url: absoluteUrl(request), headers: request.headers }),
    },
    {
      path: /^\/anything(\/.*)?$/,
      async handle({ request, response }) {
        const body = await readBody(request);
        if (body === undefined) return tooLarge(response);
        const echoed = await echo(request, body);
        if (typeof echoed === 'string') return sendJson(response, 400, { error: echoed });
        sendJson(response, 200, echoed);
      },
    },
    {
      path: /^\/html$/,
      methods: GET,
      handle({ request, response }) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': HTML_PAGE.length });
        response.end(request.method === 'HEAD' ? undefined : HTML_PAGE);
      },
    },
    {
      path: /^\/bytes\/([^/]*)$/,
      methods: GET,
      handle({ request, response, param }) {
        const n = wholeNumber(param, 0, MAX_BYTES);
        if (n === undefined) return badParam(response, '/bytes', param, 0, MAX_BYTES);
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
        if (request.method === 'HEAD') return void response.end();
        pipeline(Readable.from(blocks(n)), response, endOnClientGone);
      },
    },
  ];
}

/** The login's fields, or the 400 message saying what is wrong with the body. */
export function credentials(body: Buffer, type: string): { username: string; password: string } | string {
  let fields: { username?: unknown; password?: unknown };
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(body.toString('utf8'));
    fields = { username: form.get('username') ?? undefined, password: form.get('password') ?? undefined };
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return 'body is not valid JSON; expected {"username": "...", "password": "..."} or a form-encoded body';
    }
    fields = typeof parsed === 'object' && parsed !== null ? parsed : {};
  }
  const { username, password } = fields;
  if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
    return 'expected a non-empty "username" and "password"';
  }
  return { username, password };
}

/** Name → value of a Cookie header; the first of a repeated name wins, as browsers send the most specific first. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of header?.split(';') ?? []) {
    const equals = pair.indexOf('=');
    if (equals === -1) continue;
    const name = pair.slice(0, equals).trim();
    if (name !== '' && !cookies.has(name)) cookies.set(name, pair.slice(equals + 1).trim());
  }
  // fromEntries defines own properties, so a cookie named __proto__ is just a cookie.
  return Object.fromEntries(cookies);
}

/** The token of `Authorization: Bearer T`; an empty T is still a token presented (and unknown). */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer(?:\s+(.*))?$/i.exec(headers.authorization ?? '');
  return match === null ? undefined : (match[1] ?? '').trim();
}

function upgradeQueryToken(url: string | undefined): string | undefined {
  const queryAt = url?.indexOf('?') ?? -1;
  return queryAt === -1 ? undefined : (new URLSearchParams(url?.slice(queryAt + 1)).get('token') ?? undefined);
}

/** `text` as a whole number from min to max, or undefined. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** The body, or undefined once it passes MAX_BODY_BYTES; rejects with an AbortError if the client goes away first. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > MAX_BODY_BYTES) {
        request.off('data', onData);
        resolve(undefined);
      } else {
        chunks.push(chunk);
      }
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks, length)));
    request.once('error', () => reject(abortError()));
  });
}

/** What /anything answers, or the 400 message for a multipart body that does not parse. */
async function echo(request: IncomingMessage, body: Buffer): Promise<Record<string, unknown> | string> {
  const text = body.toString('utf8');
  const result: Record<string, unknown> = { method: request.method, url: absoluteUrl(request), headers: request.headers, body: text };
  const type = mediaType(request);
  if (type === 'application/x-www-form-urlencoded') result['form'] = fieldsOf(new URLSearchParams(text));
  if (type === 'application/json' || type.endsWith('+json')) result['json'] = parseOrNull(text);
  if (type === 'multipart/form-data') {
    let data: FormData;
    try {
      // undici's multipart parser, through the Fetch API's Request.
      data = await new Request('http://target/', { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body: toArrayBuffer(body) }).formData();
    } catch (error) {
      return `/anything: the multipart/form-data body does not parse (${(error as Error).message})`;
    }
    const form: [string, string][] = [];
    const files: [string, string][] = [];
    for (const [name, value] of data) {
      if (typeof value === 'string') form.push([name, value]);
      else files.push([name, await value.text()]);
    }
    result['form'] = fieldsOf(form);
    result['files'] = fieldsOf(files);
  }
  return result;
}

/** Name → value, or → the values in order when a name comes more than once (as httpbin answers). */
function fieldsOf(pairs: Iterable<[string, string]>): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of pairs) {
    const known = fields[name];
    fields[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return fields;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // documented: an unparsable JSON body echoes as null
  }
}

function absoluteUrl(request: IncomingMessage): string {
  return `http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`;
}

/** The content-type without parameters, lower-case ("" when absent). */
function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function* blocks(n: number): Generator<Buffer> {
  const block = (repeatingBlock ??= bytesBlock(65_536));
  for (let sent = 0; sent < n; sent += block.length) yield block.subarray(0, Math.min(block.length, n - sent));
}

/** The repeating block of GET /bytes: a fixed seed, so every target sends the same bytes. */
function bytesBlock(size: number): Buffer {
  const random = mulberry32(0x5eed);
  const block = Buffer.alloc(size);
  for (let i = 0; i < size; i++) block[i] = Math.floor(random() * 256);
  return block;
}

function endOnClientGone(error: NodeJS.ErrnoException | null | undefined): void {
  // Success passes undefined. The response ends early only when its client goes away; anything else is a bug.
  if (error !== null && error !== undefined && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
}

function badParam(response: ServerResponse, route: string, value: string, min: number, max: number): void {
  sendJson(response, 400, { error: `${route}: invalid value ${quote(value)}; expected a whole number from ${min} to ${max}` });
}

function tooLarge(response: ServerResponse): void {
  // Whatever the client is still sending is not read: the connection cannot be reused.
  sendText(response, 413, `body too large; at most ${MAX_BODY_BYTES} bytes`, { connection: 'close' });
}

function sendJson(response: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers }).end(body);
}

function sendText(response: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  response.writeHead(status, { ...TEXT, 'content-length': Buffer.byteLength(text), ...headers }).end(text);
}
