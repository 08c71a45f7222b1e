// k6/crypto and k6/encoding, checked against published test vectors.
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  check(null, {
    'sha256 of abc': () => crypto.sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'md5 of the empty string': () => crypto.md5('', 'hex') === 'd41d8cd98f00b204e9800998ecf8427e',
    'hmac sha256': () =>
      crypto.hmac('sha256', 'key', 'The quick brown fox jumps over the lazy dog', 'hex') ===
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    'createHash in pieces': () => {
      const hasher = crypto.createHash('sha1');
      hasher.update('a');
      hasher.update('bc');
      return hasher.digest('hex') === 'a9993e364706816aba3e25717850c26c9cd0d89d';
    },
    'randomBytes length': () => crypto.randomBytes(16).byteLength === 16,
    'base64 std': () => encoding.b64encode('hello?') === 'aGVsbG8/',
    'base64 url': () => encoding.b64encode('hello?', 'url') === 'aGVsbG8_',
    'base64 rawstd': () => encoding.b64encode('hi', 'rawstd') === 'aGk',
    'decode to string': () => encoding.b64decode('aGVsbG8/', 'std', 's') === 'hello?',
    'basic auth header': () => `Basic ${encoding.b64encode('user:pass')}` === 'Basic dXNlcjpwYXNz',
  });
}
