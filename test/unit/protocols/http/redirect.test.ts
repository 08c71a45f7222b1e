import { describe, expect, it } from 'vitest';
import { metricUrl, redirectKeepsBody, redirectMethod, refererFor, sameSite } from '../../../../src/protocols/http/client/redirect.js';

describe('redirects', () => {
  it.each([
    [301, 'POST', 'GET', false],
    [302, 'PUT', 'GET', false],
    [303, 'POST', 'GET', false],
    [303, 'HEAD', 'HEAD', false],
    [307, 'POST', 'POST', true],
    [308, 'PATCH', 'PATCH', true],
    [300, 'GET', '', false],
    [304, 'GET', '', false],
    [200, 'GET', '', false],
  ])('%i after %s → %j (body kept: %s)', (status, method, next, keepsBody) => {
    expect(redirectMethod(status, method)).toBe(next);
    expect(redirectKeepsBody(status)).toBe(keepsBody);
  });

  it.each([
    ['http://a.test/', 'https://a.test:8443/x', true],
    ['http://a.test/', 'http://api.a.test/', true],
    ['http://api.a.test/', 'http://a.test/', false],
    ['http://a.test/', 'http://ba.test/', false],
  ])('%s → %s keeps credentials: %s', (from, to, expected) => {
    expect(sameSite(new URL(from), new URL(to))).toBe(expected);
  });

  it.each([
    ['http://a.test/x?q=1', 'http://a.test/y', 'http://a.test/x?q=1'],
    ['http://u:p@a.test/x#frag', 'http://a.test/y', 'http://a.test/x'],
    ['https://a.test/x', 'http://a.test/y', ''],
    ['http://a.test/x', 'https://a.test/y', 'http://a.test/x'],
  ])('Referer from %s to %s is %j', (from, to, expected) => {
    expect(refererFor(new URL(from), new URL(to))).toBe(expected);
  });

  it.each([
    ['http://a.test/x?q=1', 'http://a.test/x?q=1'],
    ['http://user:pass@a.test:8080/x', 'http://****:****@a.test:8080/x'],
    ['https://token@a.test/', 'https://****@a.test/'],
  ])('the metrics see %s as %s', (url, expected) => {
    expect(metricUrl(new URL(url))).toBe(expected);
  });
});
