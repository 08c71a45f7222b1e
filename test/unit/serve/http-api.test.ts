import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { HTML_PAGE, MAX_BODY_BYTES, Sessions, bearerToken, credentials, parseCookies } from '../../../src/serve/http-api.js';
import { startTarget } from '../../../src/serve/server.js';
import type { RunningTarget } from '../../../src/serve/types.js';
import { json } from './client.js';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

let target: RunningTarget;
let base: string;

beforeAll(async () => {
  target = await startTarget('echo');
  base = target.url.replace(/^ws:/, 'http:');
});
afterAll(() => target.close());

/** One request with node:http (no redirects followed, every header visible, including repeated Set-Cookie). */
function send(method: string, path: string, options: { headers?: OutgoingHttpHeaders; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body, text: body.toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

function sendJson(method: string, path: string, value: unknown, headers: OutgoingHttpHeaders = {}): Promise<Answer> {
  return send(method, path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) });
}

function parsed(answer: Answer): unknown {
  expect(answer.headers['content-type']).toBe('application/json');
  return JSON.parse(answer.text);
}

async function login(username = 'ada'): Promise<string> {
  const answer = await sendJson('POST', '/login', { username, password: 'secret' });
  return (parsed(answer) as { token: string }).token;
}

/** Opens a socket with these headers; resolves with 'open' or the refused status. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ socket?: WebSocket; status?: number }> {
  const socket = new WebSocket(url, { headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode });
      response.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

describe('GET /health', () => {
  it('answers 200 "ok" as text, and HEAD the same headers without a body', async () => {
    const get = await send('GET', '/health');
    expect([get.status, get.headers['content-type'], get.text]).toEqual([200, 'text/plain', 'ok']);
    const head = await send('HEAD', '/health');
    expect([head.status, head.text]).toEqual([200, '']);
  });
});

describe('POST /login, GET /items, POST /logout', () => {
  it('logs in with JSON and with a form, setting the session cookie', async () => {
    const viaJson = await sendJson('POST', '/login', { username: 'ada', password: 'secret' });
    const body = parsed(viaJson) as { token: string; user: string };
    expect(body.token).toMatch(/^[0-9a-f]{32}$/);
    expect(body.user).toBe('ada');
    expect(viaJson.headers['set-cookie']).toEqual([`session=${body.token}; Path=/; HttpOnly`]);

    const viaForm = await send('POST', '/login', {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'username=grace+hopper&password=p%26w',
    });
    expect([viaForm.status, (parsed(viaForm) as { user: string }).user]).toEqual([200, 'grace hopper']);
    expect((parsed(viaForm) as { token: string }).token).not.toBe(body.token);
  });

  it.each<[string, string, number, unknown]>([
    ['the wrong password', '{"username":"ada","password":"wrong"}', 401, { error: 'invalid credentials' }],
    ['bad JSON', '{"username":', 400, { error: 'body is not valid JSON; expected {"username": "...", "password": "..."} or a form-encoded body' }],
    ['a missing password', '{"username":"ada"}', 400, { error: 'expected a non-empty "username" and "password"' }],
    ['an empty username', '{"username":"","password":"x"}', 400, { error: 'expected a non-empty "username" and "password"' }],
    ['a number for a name', '{"username":7,"password":"x"}', 400, { error: 'expected a non-empty "username" and "password"' }],
    ['a JSON array', '[]', 400, { error: 'expected a non-empty "username" and "password"' }],
  ])('refuses %s', async (_, body, status, error) => {
    const answer = await send('POST', '/login', { headers: { 'content-type': 'application/json' }, body });
    expect([answer.status, parsed(answer)]).toEqual([status, error]);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('serves /items to a bearer token or the session cookie, and not after logout', async () => {
    const token = await login('ada');
    const items = { user: 'ada', items: [{ id: 1, name: 'apple' }, { id: 2, name: 'banana' }, { id: 3, name: 'cherry' }] };
    expect(parsed(await send('GET', '/items', { headers: { authorization: `Bearer ${token}` } }))).toEqual(items);
    expect(parsed(await send('GET', '/items', { headers: { cookie: `theme=dark; session=${token}` } }))).toEqual(items);

    const logout = await send('POST', '/logout', { headers: { authorization: `Bearer ${token}` } });
    expect([logout.status, parsed(logout), logout.headers['set-cookie']]).toEqual([200, { ok: true }, ['session=; Path=/; Max-Age=0']]);
    const after = await send('GET', '/items', { headers: { authorization: `Bearer ${token}` } });
    expect([after.status, parsed(after)]).toEqual([401, { error: 'missing or unknown token' }]);

    const other = await login('bob');
    await send('POST', '/logout', { headers: { cookie: `session=${other}` } });
    expect((await send('GET', '/items', { headers: { cookie: `session=${other}` } })).status).toBe(401);
  });

  it.each<[string, OutgoingHttpHeaders]>([
    ['no token', {}],
    ['an unknown token', { authorization: 'Bearer 0123456789abcdef0123456789abcdef' }],
    ['an unknown cookie', { cookie: 'session=made-up' }],
    ['basic auth', { authorization: 'Basic YWRhOnNlY3JldA==' }],
  ])('answers /items with 401 for %s', async (_, headers) => {
    const answer = await send('GET', '/items', { headers });
    expect([answer.status, answer.headers['www-authenticate'], parsed(answer)]).toEqual([401, 'Bearer', { error: 'missing or unknown token' }]);
  });
});

describe('GET /delay/:ms', () => {
  it('answers after at least ms', async () => {
    const started = performance.now();
    const answer = await send('GET', '/delay/60');
    // Node timers may fire up to a millisecond early.
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
    expect([answer.status, parsed(answer)]).toEqual([200, { delayed: 60 }]);
    expect(parsed(await send('GET', '/delay/0'))).toEqual({ delayed: 0 });
  });

  it.each(['60001', 'abc', '-1', '1.5', ''])('refuses %j with 400', async (ms) => {
    const answer = await send('GET', `/delay/${ms}`);
    expect([answer.status, parsed(answer)]).toEqual([400, { error: `/delay: invalid value ${JSON.stringify(ms)}; expected a whole number from 0 to 60000` }]);
  });

  it('stops waiting when the client goes away and when the target closes', async () => {
    const timersBefore = activeTimers();
    const abort = new AbortController();
    const gone = fetch(`${base}/delay/60000`, { signal: abort.signal }).catch((error: unknown) => error);
    await expect.poll(() => activeTimers()).toBe(timersBefore + 1);
    abort.abort();
    await gone;
    await expect.poll(() => activeTimers()).toBe(timersBefore);

    const own = await startTarget('echo');
    const pending = fetch(`${own.url.replace(/^ws:/, 'http:')}/delay/60000`).catch((error: unknown) => error);
    await expect.poll(() => activeTimers()).toBe(timersBefore + 1);
    await own.close();
    expect(await pending).toBeInstanceOf(Error);
    await expect.poll(() => activeTimers()).toBe(timersBefore);
  });
});

describe('ANY /status/:code', () => {
  it.each<[string, number, string]>([
    ['GET', 200, 'OK'],
    ['POST', 201, 'Created'],
    ['PUT', 418, "I'm a Teapot"],
    ['DELETE', 503, 'Service Unavailable'],
    ['GET', 299, 'status 299'],
    ['GET', 204, ''],
  ])('%s /status/%i answers that status with %j', async (method, code, text) => {
    const answer = await send(method, `/status/${code}`);
    expect([answer.status, answer.text]).toEqual([code, text]);
  });

  it.each(['100', '199', '600', 'x'])('refuses %s with 400', async (code) => {
    expect((await send('GET', `/status/${code}`)).status).toBe(400);
  });
});

describe('cookies', () => {
  it('echoes the Cookie header, and /cookies/set sets each pair and echoes the cookies from before', async () => {
    const echoed = await send('GET', '/cookies', { headers: { cookie: 'a=1; b=two=2; a=ignored; flag' } });
    expect(parsed(echoed)).toEqual({ cookies: { a: '1', b: 'two=2' } });
    expect(parsed(await send('GET', '/cookies'))).toEqual({ cookies: {} });

    const set = await send('GET', '/cookies/set?x=1&y=abc', { headers: { cookie: 'old=yes' } });
    expect([set.status, parsed(set), set.headers['set-cookie']]).toEqual([200, { cookies: { old: 'yes' } }, ['x=1; Path=/', 'y=abc; Path=/']]);
  });

  it.each(['a=b%20c', 'a=b;c', 'a%20b=c', '=c'])('refuses /cookies/set?%s with 400', async (query) => {
    const answer = await send('GET', `/cookies/set?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.headers['set-cookie']).toBeUndefined();
  });
});

describe('redirects', () => {
  it('counts down /redirect/n to /redirect/0, then /get', async () => {
    const two = await send('GET', '/redirect/2');
    expect([two.status, two.headers.location]).toEqual([302, '/redirect/1']);
    expect((await send('GET', '/redirect/0')).headers.location).toBe('/get');

    const followed = await fetch(`${base}/redirect/3`, { headers: { 'x-probe': 'yes' } });
    const body = (await followed.json()) as { url: string; headers: Record<string, string> };
    expect([followed.status, followed.redirected, followed.url]).toEqual([200, true, `${base}/get`]);
    expect([body.url, body.headers['x-probe']]).toEqual([`${base}/get`, 'yes']);
  });

  it.each(['51', 'x'])('refuses /redirect/%s with 400', async (n) => {
    expect((await send('GET', `/redirect/${n}`)).status).toBe(400);
  });
});

describe('ANY /anything', () => {
  it('echoes a JSON body', async () => {
    const body = parsed(await sendJson('POST', '/anything?q=1', { a: [1, 2] }, { 'x-trace': 't1' })) as Record<string, unknown>;
    expect([body['method'], body['url'], body['body'], body['json'], body['form']]).toEqual(['POST', `${base}/anything?q=1`, '{"a":[1,2]}', { a: [1, 2] }, undefined]);
    expect((body['headers'] as Record<string, string>)['x-trace']).toBe('t1');
  });

  it('echoes a form, a sub-path, and JSON that does not parse as null', async () => {
    const form = parsed(await send('PUT', '/anything/a/b', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'k=v&n=1' })) as Record<string, unknown>;
    expect([form['method'], form['url'], form['form'], form['json']]).toEqual(['PUT', `${base}/anything/a/b`, { k: 'v', n: '1' }, undefined]);
    const broken = parsed(await send('PATCH', '/anything', { headers: { 'content-type': 'application/json' }, body: '{' })) as Record<string, unknown>;
    expect([broken['body'], broken['json']]).toEqual(['{', null]);
  });

  it('gives a repeated form field as an array of its values', async () => {
    const form = parsed(await send('POST', '/anything', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'tag=a&tag=b&one=1' })) as Record<string, unknown>;
    expect(form['form']).toEqual({ tag: ['a', 'b'], one: '1' });
  });

  it('echoes a multipart body as form fields and files', async () => {
    const body = '--XY\r\nContent-Disposition: form-data; name="tag"\r\n\r\na\r\n--XY\r\nContent-Disposition: form-data; name="tag"\r\n\r\nb' +
      '\r\n--XY\r\nContent-Disposition: form-data; name="up"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfile text\r\n--XY--\r\n';
    const echoed = parsed(await send('POST', '/anything', { headers: { 'content-type': 'multipart/form-data; boundary=XY' }, body })) as Record<string, unknown>;
    expect([echoed['form'], echoed['files']]).toEqual([{ tag: ['a', 'b'] }, { up: 'file text' }]);
  });

  it('answers 400 to a multipart body that does not parse', async () => {
    const answer = await send('POST', '/anything', { headers: { 'content-type': 'multipart/form-data; boundary=XY' }, body: 'no parts here' });
    expect(answer.status).toBe(400);
    expect((parsed(answer) as { error: string }).error).toMatch(/^\/anything: the multipart\/form-data body does not parse/);
  });

  it('ignores a client that goes away in the middle of its body', async () => {
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${base}/anything`, { method: 'POST', headers: { 'content-length': 100 } });
      request.on('error', () => resolve());
      request.write('only ten b', () => request.destroy());
    });
    expect((await send('GET', '/health')).status).toBe(200);
  });
});

describe('GET /html', () => {
  it('serves the fixed page, and HEAD its headers only', async () => {
    const page = await send('GET', '/html');
    expect([page.status, page.headers['content-type'], page.body.equals(HTML_PAGE)]).toEqual([200, 'text/html; charset=utf-8', true]);
    expect(page.text).toContain('<title>wsk target</title>');
    expect(page.text).toContain('<form id="login" action="/login" method="POST">');
    const head = await send('HEAD', '/html');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, String(HTML_PAGE.length), 0]);
  });
});

describe('GET /bytes/:n', () => {
  it('sends n deterministic bytes', async () => {
    const first = await send('GET', '/bytes/200000');
    const second = await send('GET', '/bytes/200000');
    expect([first.status, first.headers['content-type'], first.headers['content-length'], first.body.length]).toEqual([
      200,
      'application/octet-stream',
      '200000',
      200000,
    ]);
    expect(first.body.equals(second.body)).toBe(true);
    expect(first.body.subarray(0, 65_536).equals(first.body.subarray(65_536, 131_072))).toBe(true);
    expect(new Set(first.body.subarray(0, 1000)).size).toBeGreaterThan(200); // not a constant fill
    expect((await send('GET', '/bytes/0')).body.length).toBe(0);
  });

  it('stops sending when the client goes away', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${base}/bytes/10000000`, (response) => {
        response.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
      request.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await send('GET', '/health')).status).toBe(200);
  });

  it('refuses more than 10,000,000 bytes with 400', async () => {
    expect((await send('GET', '/bytes/10000001')).status).toBe(400);
  });
});

describe('errors', () => {
  it.each<[string, string, number, string | undefined]>([
    ['GET', '/nope', 404, undefined],
    ['GET', '/items/', 404, undefined],
    ['DELETE', '/items', 405, 'GET, HEAD'],
    ['GET', '/login', 405, 'POST'],
    ['POST', '/health', 405, 'GET, HEAD'],
  ])('%s %s → %i', async (method, path, status, allow) => {
    const answer = await send(method, path);
    expect([answer.status, answer.headers.allow, answer.text]).toEqual([status, allow, status === 404 ? 'not found' : 'method not allowed']);
  });

  it('answers a declared body over 10 MiB with 413 and closes the connection', async () => {
    const answer = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const request = httpRequest(`${base}/anything`, { method: 'POST', headers: { 'content-length': MAX_BODY_BYTES + 1 } });
      request.on('response', (response) => {
        resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
        response.resume();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(answer).toEqual({ status: 413, connection: 'close' });
  });

  it('answers a streamed body over 10 MiB with 413', async () => {
    const answer = await send('POST', '/login', { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: Buffer.alloc(MAX_BODY_BYTES + 1, 32) });
    expect(answer.status).toBe(413);
  });
});

describe('WebSocket upgrades and tokens', () => {
  it('accepts a fresh token in a header, the query or the cookie, refuses others with 401, and accepts no token', async () => {
    const token = await login();
    for (const [url, headers] of [
      [target.url, { authorization: `Bearer ${token}` }],
      [`${target.url}/chat?token=${token}`, {}],
      [target.url, { cookie: `session=${token}` }],
      [target.url, {}],
    ] as const) {
      const { socket, status } = await upgrade(url, headers);
      expect(status).toBeUndefined();
      socket?.close();
    }
    for (const [url, headers] of [
      [target.url, { authorization: 'Bearer made-up' }],
      [`${target.url}?token=made-up`, {}],
      [`${target.url}?token=`, {}],
      [target.url, { cookie: 'session=made-up' }],
    ] as const) {
      expect(await upgrade(url, headers)).toEqual({ status: 401 });
    }
    await send('POST', '/logout', { headers: { authorization: `Bearer ${token}` } });
    expect(await upgrade(target.url, { authorization: `Bearer ${token}` })).toEqual({ status: 401 });
  });

  it('chat: a token from POST /login opens a socket that chats; the token is not valid on another target', async () => {
    const chat = await startTarget('chat', { chat: { parts: 1, delayMs: 0, jitterMs: 0 } });
    const chatBase = chat.url.replace(/^ws:/, 'http:');
    const answer = await fetch(`${chatBase}/login`, { method: 'POST', body: JSON.stringify({ username: 'ada', password: 'pw' }) });
    const { token } = (await answer.json()) as { token: string };
    const { socket } = await upgrade(chat.url, { authorization: `Bearer ${token}` });
    const replies: unknown[] = [];
    const done = new Promise<void>((resolve) =>
      socket?.on('message', (data: Buffer) => {
        replies.push(json({ data, isBinary: false, atMs: 0 }));
        if (replies.length === 2) resolve();
      }),
    );
    socket?.send(JSON.stringify({ id: 7 }));
    await done;
    expect(replies).toEqual([{ id: 7, part: 0, text: 'sure' }, { id: 7, done: true }]);
    expect(await upgrade(target.url, { authorization: `Bearer ${token}` })).toEqual({ status: 401 });
    await chat.close();
  });
});

describe('pieces', () => {
  it('Sessions forgets the oldest token past its limit', () => {
    const sessions = new Sessions(2);
    const [a, b, c] = ['u1', 'u2', 'u3'].map((user) => sessions.issue(user));
    expect([sessions.userOf(a), sessions.userOf(b), sessions.userOf(c), sessions.size]).toEqual([undefined, 'u2', 'u3', 2]);
    sessions.forget(b);
    expect([sessions.userOf(b), sessions.userOf(undefined), sessions.size]).toEqual([undefined, undefined, 1]);
  });

  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['Bearer abc', 'abc'],
    ['bearer   abc  ', 'abc'],
    ['Bearer', ''],
    ['Basic abc', undefined],
    ['Bearerabc', undefined],
  ])('bearerToken(%j) is %j', (authorization, token) => {
    expect(bearerToken({ authorization })).toBe(token);
  });

  it.each<[string | undefined, Record<string, string>]>([
    [undefined, {}],
    ['', {}],
    ['a=1', { a: '1' }],
    [' a = 1 ;b=;c=x=y; d', { a: '1', b: '', c: 'x=y' }],
    ['__proto__=x', JSON.parse('{"__proto__":"x"}') as Record<string, string>],
  ])('parseCookies(%j)', (header, cookies) => {
    expect(parseCookies(header)).toEqual(cookies);
  });

  it.each<[string, string, ReturnType<typeof credentials>]>([
    ['{"username":"a","password":"b"}', 'application/json', { username: 'a', password: 'b' }],
    ['{"username":"a","password":"b"}', '', { username: 'a', password: 'b' }],
    ['username=a&password=b', 'application/x-www-form-urlencoded', { username: 'a', password: 'b' }],
    ['username=a', 'application/x-www-form-urlencoded', 'expected a non-empty "username" and "password"'],
    ['null', 'application/json', 'expected a non-empty "username" and "password"'],
    ['username=a&password=b', 'text/plain', 'body is not valid JSON; expected {"username": "...", "password": "..."} or a form-encoded body'],
  ])('credentials(%j, %j)', (body, type, expected) => {
    expect(credentials(Buffer.from(body), type)).toEqual(expected);
  });
});
