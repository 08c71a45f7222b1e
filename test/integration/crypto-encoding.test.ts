// k6/crypto and k6/encoding as k6 scripts use them: default and named imports, in a real sandbox.
import { describe, expect, it } from 'vitest';
import { runScript } from './harness.js';

describe('k6/crypto and k6/encoding', () => {
  it('hash, HMAC, random bytes and the four base64 forms give what k6 gives', async () => {
    const { code, stdout, stderr } = await runScript(
      `import crypto from 'k6/crypto';
       import { sha256, createHMAC } from 'k6/crypto';
       import encoding, { b64decode } from 'k6/encoding';
       import { check } from 'k6';
       export const options = { vus: 2, iterations: 4, thresholds: { checks: ['rate==1'] } };
       export default function () {
         const hasher = crypto.createHash('sha256');
         hasher.update('hel');
         hasher.update(new Uint8Array([108, 111]));
         const signer = createHMAC('sha256', 'key');
         signer.update('The quick brown fox jumps over the lazy dog');
         check(null, {
           'sha256 hex': () => sha256('hello', 'hex') === '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
           'a hash fed in pieces': () => hasher.digest('hex') === sha256('hello', 'hex'),
           'md5 base64': () => crypto.md5('hello', 'base64') === 'XUFAKrxLKna5cZ2REBfFkg==',
           'binary digest': () => new Uint8Array(crypto.sha1('abc')).length === 20,
           'hmac': () => signer.digest('hex') === 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
           'random bytes': () => crypto.randomBytes(16).byteLength === 16,
           'base64 forms': () => encoding.b64encode('hello?>') === 'aGVsbG8/Pg==' && encoding.b64encode('hello?>', 'rawurl') === 'aGVsbG8_Pg',
           'base64 decode': () => b64decode('aGVsbG8_Pg', 'rawurl', 's') === 'hello?>' && new Uint8Array(b64decode('AQI=')).join() === '1,2',
         });
       }`,
      ['--summary-export', 'summary.json'],
      'script.js',
    );
    expect(stderr).not.toContain('ERROR');
    expect(stdout).not.toMatch(/^\s*✗ /m);
    expect(code).toBe(0);
  });

  it('an unknown algorithm fails the iteration with a message naming it', async () => {
    const { code, stderr } = await runScript(`import { createHash } from 'wsk/crypto';\nexport default function () { createHash('sha3' as never).digest('hex'); }`);
    expect(code).toBe(0);
    expect(stderr).toMatch(/unknown hash algorithm "sha3"; use one of .*sha256/);
  });
});

describe('the global Web Crypto', () => {
  it('fills random values, makes v4 UUIDs and digests, in both isolation levels', async () => {
    for (const isolation of ['compartment', 'context']) {
      const { code, stdout, stderr } = await runScript(
        `import { check } from 'k6';
         export const options = { vus: 2, iterations: 2, thresholds: { checks: ['rate==1'] } };
         export default async function () {
           const values = crypto.getRandomValues(new Uint32Array(8));
           const digest = await crypto.subtle.digest('SHA-256', new Uint8Array([97, 98, 99]));
           let refused = '';
           try { await crypto.subtle.digest('MD5' as never, new Uint8Array(1)); } catch (error) { refused = String(error); }
           check(null, {
             'random values': () => values.some((v) => v !== 0),
             'a v4 uuid': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()),
             'sha-256 of abc': () => [...new Uint8Array(digest)].slice(0, 4).join() === '186,120,22,191',
             'an unsupported digest rejects': () => refused.includes('unsupported algorithm "MD5"'),
           });
         }`,
        ['--isolation', isolation],
      );
      expect(stderr).not.toContain('ERROR');
      expect(stdout).not.toMatch(/^\s*✗ /m);
      expect(code).toBe(0);
    }
  });
});
