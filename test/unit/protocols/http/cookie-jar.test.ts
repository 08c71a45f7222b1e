import { describe, expect, it } from 'vitest';
import { CookieJar, defaultPath, domainScope, parseSetCookie, pathMatches, responseCookies } from '../../../../src/protocols/http/cookie-jar.js';

const T0 = Date.UTC(2030, 0, 1);

function jarAt(): { jar: CookieJar; advance(ms: number): void } {
  let now = T0;
  return { jar: new CookieJar(() => now), advance: (ms) => (now += ms) };
}

describe('parseSetCookie', () => {
  it.each([
    ['a=1', { name: 'a', value: '1', domain: '', path: '', maxAge: 0, expires: NaN, secure: false, httpOnly: false }],
    ['  sid = "abc" ; Path=/api; Domain=.Example.com; Secure; HttpOnly', { name: 'sid', value: 'abc', domain: '.Example.com', path: '/api', maxAge: 0, expires: NaN, secure: true, httpOnly: true }],
    ['a=1; Max-Age=60; Expires=Wed, 21 Oct 2015 07:28:00 GMT', { name: 'a', value: '1', domain: '', path: '', maxAge: 60, expires: 1445412480000, secure: false, httpOnly: false }],
    ['a=1; max-age=0', { name: 'a', value: '1', domain: '', path: '', maxAge: -1, expires: NaN, secure: false, httpOnly: false }],
    ['a=1; Max-Age=-5', { name: 'a', value: '1', domain: '', path: '', maxAge: -1, expires: NaN, secure: false, httpOnly: false }],
    ['a=1; Max-Age=soon; Expires=not a date', { name: 'a', value: '1', domain: '', path: '', maxAge: 0, expires: NaN, secure: false, httpOnly: false }],
    ['a=; Path=/', { name: 'a', value: '', domain: '', path: '/', maxAge: 0, expires: NaN, secure: false, httpOnly: false }],
  ])('%s', (line, expected) => {
    expect(parseSetCookie(line)).toEqual(expected);
  });

  it.each(['novalue', '=1', 'bad name=1', 'a(b)=1', ''])('ignores %j', (line) => {
    expect(parseSetCookie(line)).toBeUndefined();
  });

  it("gives k6's res.cookies shape, grouped by name", () => {
    expect(responseCookies(['a=1; Path=/; Max-Age=0', 'a=2; Domain=x.test; Expires=Thu, 01 Jan 2037 00:00:00 GMT', 'junk'])).toEqual({
      a: [
        { name: 'a', value: '1', domain: '', path: '/', http_only: false, secure: false, max_age: -1, expires: 0 },
        { name: 'a', value: '2', domain: 'x.test', path: '', http_only: false, secure: false, max_age: 0, expires: Date.UTC(2037, 0, 1) },
      ],
    });
  });
});

describe('cookie rules', () => {
  it.each([
    ['www.example.com', '', { domain: 'www.example.com', hostOnly: true }],
    ['www.example.com', 'example.com', { domain: 'example.com', hostOnly: false }],
    ['www.example.com', '.EXAMPLE.com', { domain: 'example.com', hostOnly: false }],
    ['www.example.com', 'www.example.com', { domain: 'www.example.com', hostOnly: false }],
    ['www.example.com', 'other.com', undefined],
    ['www.example.com', 'ample.com', undefined],
    ['www.example.com', 'sub.www.example.com', undefined],
    ['www.example.com', '.', undefined],
    ['www.example.com', 'example.com.', undefined],
    ['127.0.0.1', '127.0.0.1', { domain: '127.0.0.1', hostOnly: true }],
    ['127.0.0.1', '0.0.1', undefined],
    ['127.0.0.1', '.127.0.0.1', undefined],
  ])('host %s, Domain %j', (host, attribute, expected) => {
    expect(domainScope(host, attribute)).toEqual(expected);
  });

  it.each([
    ['/', '/'],
    ['', '/'],
    ['/login', '/'],
    ['/a/b/c', '/a/b'],
    ['/a/b/', '/a/b'],
  ])('default path of %j is %j', (path, expected) => {
    expect(defaultPath(path)).toBe(expected);
  });

  it.each([
    ['/api', '/api', true],
    ['/api/x', '/api', true],
    ['/apix', '/api', false],
    ['/api/x', '/api/', true],
    ['/', '/api', false],
    ['/anything', '/', true],
  ])('request path %s, cookie path %s → %s', (request, cookie, expected) => {
    expect(pathMatches(request, cookie)).toBe(expected);
  });
});

describe('CookieJar', () => {
  it('keeps host-only cookies to their host, and Domain cookies to the domain and its subdomains', () => {
    const { jar } = jarAt();
    jar.store('http://www.example.com/', ['host=1', 'dom=2; Domain=example.com', 'evil=3; Domain=other.com']);
    expect(jar.header('http://www.example.com/')).toBe('host=1; dom=2');
    expect(jar.header('http://example.com/')).toBe('dom=2');
    expect(jar.header('http://a.b.example.com/')).toBe('dom=2');
    expect(jar.header('http://notexample.com/')).toBe('');
    expect(jar.header('http://other.com/')).toBe('');
  });

  it('scopes cookies by path, longest path first, then oldest first', () => {
    const { jar } = jarAt();
    jar.store('http://a.test/app/login', ['first=1', 'root=2; Path=/', 'deep=3; Path=/app/admin', 'second=4']);
    expect(jar.header('http://a.test/app/admin/users')).toBe('deep=3; first=1; second=4; root=2');
    expect(jar.header('http://a.test/app')).toBe('first=1; second=4; root=2');
    expect(jar.header('http://a.test/apple')).toBe('root=2');
  });

  it('replaces a cookie with the same name, domain and path, keeping its place', () => {
    const { jar } = jarAt();
    jar.store('http://a.test/', ['a=1', 'b=2']);
    jar.store('http://a.test/', ['a=3', 'a=4; Path=/x']);
    expect(jar.header('http://a.test/x')).toBe('a=4; a=3; b=2');
    expect(jar.cookiesForUrl('http://a.test/x')).toEqual({ a: ['4', '3'], b: ['2'] });
  });

  it('expires cookies by Max-Age before Expires, and deletes on Max-Age=0 or a past date', () => {
    const { jar, advance } = jarAt();
    jar.store('http://a.test/', [
      'short=1; Max-Age=10; Expires=Thu, 01 Jan 2037 00:00:00 GMT',
      'dated=2; Expires=Tue, 01 Jan 2030 00:00:05 GMT',
      'session=3',
    ]);
    advance(4_999);
    expect(jar.header('http://a.test/')).toBe('short=1; dated=2; session=3');
    advance(1);
    expect(jar.header('http://a.test/')).toBe('short=1; session=3');
    advance(5_000);
    expect(jar.header('http://a.test/')).toBe('session=3');
    jar.store('http://a.test/', ['session=x; Max-Age=0']);
    jar.store('http://a.test/', ['gone=1', 'gone=1; Expires=Mon, 01 Jan 2029 00:00:00 GMT']);
    expect(jar.header('http://a.test/')).toBe('');
  });

  it('sends Secure cookies over https only', () => {
    const { jar } = jarAt();
    jar.store('https://a.test/', ['s=1; Secure', 'p=2']);
    expect(jar.header('https://a.test/')).toBe('s=1; p=2');
    expect(jar.header('http://a.test/')).toBe('p=2');
  });

  it("has k6's set / cookiesForURL / delete / clear", () => {
    const { jar, advance } = jarAt();
    jar.set('http://a.test/app/page', 'x', '1');
    jar.set('http://a.test/', 'y', '2', { domain: 'a.test', path: '/', max_age: 60, http_only: true });
    jar.set('http://a.test/', 'z', '3', { expires: 'Tue, 01 Jan 2030 00:01:00 GMT', secure: true });
    expect(jar.cookiesForUrl('http://a.test/app/x')).toEqual({ x: ['1'], y: ['2'] });
    expect(jar.cookiesForUrl('https://sub.a.test/')).toEqual({ y: ['2'] });
    expect(jar.cookiesForUrl('https://a.test/')).toEqual({ y: ['2'], z: ['3'] });
    jar.delete('http://a.test/app/x', 'x');
    expect(jar.cookiesForUrl('http://a.test/app/x')).toEqual({ y: ['2'] });
    jar.clear('https://a.test/');
    expect(jar.cookiesForUrl('https://a.test/')).toEqual({});
    jar.set('http://a.test/', 'w', '4', { max_age: 1 });
    advance(1_000);
    expect(jar.cookiesForUrl('http://a.test/')).toEqual({});
  });

  it('names the bad URL', () => {
    expect(() => jarAt().jar.set('not a url', 'a', '1')).toThrow('CookieJar.set(): invalid URL "not a url"; use an absolute URL such as "https://example.com/"');
    expect(() => jarAt().jar.cookiesForUrl('http:///path')).toThrow('CookieJar.cookiesForURL(): invalid URL "http:///path"');
  });

  it('reads URLs without a URL class: case, credentials, ports, IPv6, query and fragment', () => {
    const { jar } = jarAt();
    jar.store('HTTP://user:pw@A.Test:8080/app/page?q=1#top', ['x=1']);
    expect(jar.header('http://a.test/app/other')).toBe('x=1');
    expect(jar.header('http://a.test/')).toBe('');
    jar.store('http://[::1]:9000/', ['v6=1', 'bad=1; Domain=::1x']);
    expect(jar.cookiesForUrl('http://[::1]/')).toEqual({ v6: ['1'] });
    jar.store('http://127.0.0.1/', ['ip=1; Domain=0.0.1']);
    expect(jar.cookiesForUrl('http://127.0.0.1/')).toEqual({});
  });

  it('carries its cookies to another jar, which goes on numbering after them', () => {
    const { jar } = jarAt();
    jar.store('http://a.test/', ['a=1', 'b=2']);
    const copy = CookieJar.of(jar.cookies(), () => T0);
    copy.store('http://a.test/', ['c=3', 'a=4']);
    expect(copy.header('http://a.test/')).toBe('a=4; b=2; c=3');
    expect(jar.header('http://a.test/')).toBe('a=1; b=2');
  });
});
