import { describe, expect, it } from 'vitest';
import { basicAuthorization, canonicalHeaderName, readResponseHeaders, requestHeaders, type HeaderRules } from '../../../../src/protocols/http/client/headers.js';

describe('response headers', () => {
  it.each([
    ['content-type', 'Content-Type'],
    ['CONTENT-LENGTH', 'Content-Length'],
    ['x-request-id', 'X-Request-Id'],
    ['www-authenticate', 'Www-Authenticate'],
    ['etag', 'Etag'],
    ['bad header', 'bad header'],
    ['x_under', 'X_under'],
  ])('%s → %s', (raw, canonical) => {
    expect(canonicalHeaderName(raw)).toBe(canonical);
  });

  it('joins repeated headers and keeps each Set-Cookie', () => {
    expect(readResponseHeaders(['content-type', 'text/plain', 'Set-Cookie', 'a=1', 'x-multi', 'a', 'set-cookie', 'b=2', 'X-Multi', 'b'])).toEqual({
      headers: { 'Content-Type': 'text/plain', 'Set-Cookie': 'a=1, b=2', 'X-Multi': 'a, b' },
      setCookies: ['a=1', 'b=2'],
    });
  });
});

describe('requestHeaders', () => {
  const plain: HeaderRules = { userAgent: 'wsk/1', authorization: '', cookie: '', referer: '', dropCredentials: false, dropBodyHeaders: false, closeConnection: false };

  it.each([
    ['adds the default User-Agent', {}, plain, { 'User-Agent': 'wsk/1' }],
    ["keeps the script's User-Agent", { 'user-agent': 'mine' }, plain, { 'user-agent': 'mine' }],
    ['sends no User-Agent when the default is empty', {}, { ...plain, userAgent: '' }, {}],
    ['drops a Content-Length set by the script', { 'Content-Length': '99', Accept: '*/*' }, plain, { Accept: '*/*', 'User-Agent': 'wsk/1' }],
    ['adds basic credentials from the URL', {}, { ...plain, authorization: 'Basic eDp5' }, { 'User-Agent': 'wsk/1', Authorization: 'Basic eDp5' }],
    ["prefers the script's Authorization", { authorization: 'Bearer t' }, { ...plain, authorization: 'Basic eDp5' }, { authorization: 'Bearer t', 'User-Agent': 'wsk/1' }],
    ['appends the cookies after a Cookie header of the script', { Cookie: 'mine=1' }, { ...plain, cookie: 'jar=2' }, { 'User-Agent': 'wsk/1', Cookie: 'mine=1; jar=2' }],
    ['adds a Referer on redirects', {}, { ...plain, referer: 'http://a.test/' }, { 'User-Agent': 'wsk/1', Referer: 'http://a.test/' }],
    [
      'leaves credentials behind on a redirect to another site',
      { Authorization: 'Bearer t', Cookie: 'mine=1', 'X-Other': '1' },
      { ...plain, dropCredentials: true, cookie: 'jar=2' },
      { 'X-Other': '1', 'User-Agent': 'wsk/1', Cookie: 'jar=2' },
    ],
    ['asks for Connection: close without connection reuse', {}, { ...plain, closeConnection: true }, { 'User-Agent': 'wsk/1', Connection: 'close' }],
    ["keeps the script's Connection header", { connection: 'keep-alive' }, { ...plain, closeConnection: true }, { connection: 'keep-alive', 'User-Agent': 'wsk/1' }],
    ['drops the body headers when a redirect drops the body', { 'Content-Type': 'application/json', Accept: '*/*' }, { ...plain, dropBodyHeaders: true }, { Accept: '*/*', 'User-Agent': 'wsk/1' }],
  ])('%s', (_name, own, rules, expected) => {
    expect(requestHeaders(own, rules)).toEqual(expected);
  });

  it.each([
    ['http://a.test/', ''],
    ['http://user:pass@a.test/', 'Basic dXNlcjpwYXNz'],
    ['http://user@a.test/', 'Basic dXNlcjo='],
    ['http://us%40er:p%3Ass@a.test/', `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`],
  ])('basic credentials of %s', (url, expected) => {
    expect(basicAuthorization(new URL(url))).toBe(expected);
  });
});
