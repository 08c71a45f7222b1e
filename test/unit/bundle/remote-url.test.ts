import { describe, expect, it } from 'vitest';
import { isLoopbackHost, moduleOfEsbuildPath, refusedUrl, remoteImport } from '../../../src/bundle/remote-url.js';

describe('which URLs a script may import', () => {
  it.each([
    'https://jslib.k6.io/k6-utils/1.4.0/index.js',
    'https://raw.githubusercontent.com/org/repo/v1/lib.js',
    'http://127.0.0.1:8080/utils.js',
    'http://127.4.5.6/utils.js',
    'http://localhost:3000/utils.js',
    'http://LOCALHOST/utils.js',
    'http://[::1]:8080/utils.js',
  ])('fetches %s', (url) => {
    expect(refusedUrl(url)).toBeUndefined();
  });

  it.each([
    ['http://jslib.k6.io/k6-utils/1.4.0/index.js', /^plain http is allowed only from this machine .*; use https$/],
    ['http://10.0.0.1/utils.js', /^plain http is allowed only from this machine/],
    ['http://localhost.example.com/utils.js', /^plain http is allowed only from this machine/],
    ['http://127.0.0.1.nip.io/utils.js', /^plain http is allowed only from this machine/],
    ['https://user:secret@mirror.example/utils.js', /^a URL with credentials would be written to wsk.lock.json/],
    ['https://', /^it is not a valid URL$/],
  ])('refuses %s', (url, reason) => {
    expect(refusedUrl(url)).toMatch(reason);
  });

  it('counts 127.0.0.0/8, [::1] and localhost as this machine, and nothing else', () => {
    expect(['127.0.0.1', '127.255.0.9', 'localhost', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '128.0.0.1', '[::]', 'localhost6', '1127.0.0.1'].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });
});

describe('imports inside a remote module', () => {
  const importer = 'https://mirror.example/libs/utils/1.0/index.js';

  it('resolves relative and root-relative paths against the module URL, and takes URLs as they are', () => {
    expect(remoteImport('./lib.js', importer)).toBe('https://mirror.example/libs/utils/1.0/lib.js');
    expect(remoteImport('../../shared/x.js', importer)).toBe('https://mirror.example/libs/shared/x.js');
    expect(remoteImport('/root.js', importer)).toBe('https://mirror.example/root.js');
    expect(remoteImport('HTTPS://Other.Example:443/a/../b.js', importer)).toBe('https://other.example/b.js');
  });

  it('leaves bare specifiers (runtime modules, packages) to the plugin', () => {
    expect(remoteImport('k6/http', importer)).toBeUndefined();
    expect(remoteImport('lodash', importer)).toBeUndefined();
  });

  it("names a module by its URL in esbuild's remote: paths, and files by absolute path", () => {
    expect(moduleOfEsbuildPath('remote:https://mirror.example/a.js', '/work')).toBe('https://mirror.example/a.js');
    expect(moduleOfEsbuildPath('https://mirror.example/a.js', '/work')).toBe('https://mirror.example/a.js');
    expect(moduleOfEsbuildPath('lib/a.js', '/work')).toBe('/work/lib/a.js');
  });
});
