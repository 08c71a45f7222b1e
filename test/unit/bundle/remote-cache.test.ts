import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleCache, moduleCacheDir, sha256 } from '../../../src/bundle/remote-cache.js';

let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function cacheDir(): string {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-module-cache-'));
  return path.join(dir, 'modules');
}

describe('moduleCacheDir', () => {
  it('takes WSK_MODULE_CACHE first (relative to the current directory), then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(moduleCacheDir({ WSK_MODULE_CACHE: 'cache', XDG_CACHE_HOME: '/xdg' }, '/work', '/home/ann')).toBe('/work/cache');
    expect(moduleCacheDir({ XDG_CACHE_HOME: '/xdg', HOME: '/home/bob' }, '/work', '/home/ann')).toBe('/xdg/wsk/modules');
    expect(moduleCacheDir({ HOME: '/home/bob' }, '/work', '/home/ann')).toBe('/home/bob/.cache/wsk/modules');
    expect(moduleCacheDir({}, '/work', '/home/ann')).toBe('/home/ann/.cache/wsk/modules');
  });

  it('ignores an empty WSK_MODULE_CACHE and a relative XDG_CACHE_HOME, as the XDG spec says', () => {
    expect(moduleCacheDir({ WSK_MODULE_CACHE: '', XDG_CACHE_HOME: 'relative' }, '/work', '/home/ann')).toBe('/home/ann/.cache/wsk/modules');
  });
});

describe('ModuleCache', () => {
  const bytes = Buffer.from('export const answer = 42;\n');

  it('stores bytes in a file named by their sha256, creating the directory, and reads them back by hash', async () => {
    const cache = new ModuleCache(cacheDir());
    const hash = await cache.write(bytes);
    expect(hash).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(readdirSync(cache.dir)).toEqual([hash]);
    expect(readFileSync(path.join(cache.dir, hash))).toEqual(bytes);
    expect(await cache.read(hash)).toEqual(bytes);
  });

  it('has nothing under a hash it never stored, nor under one whose file was damaged', async () => {
    const cache = new ModuleCache(cacheDir());
    expect(await cache.read(sha256(bytes))).toBeUndefined();
    const hash = await cache.write(bytes);
    writeFileSync(path.join(cache.dir, hash), 'export const answer = 43;\n');
    expect(await cache.read(hash)).toBeUndefined();
  });

  it('writes the same bytes twice as one file', async () => {
    const cache = new ModuleCache(cacheDir());
    await cache.write(bytes);
    await cache.write(Buffer.from(bytes));
    expect(readdirSync(cache.dir)).toHaveLength(1);
  });

  it('names the directory when it cannot write there', async () => {
    const root = cacheDir();
    writeFileSync(path.join(path.dirname(root), 'file'), 'not a directory');
    const cache = new ModuleCache(path.join(path.dirname(root), 'file', 'modules'));
    await expect(cache.write(bytes)).rejects.toMatchObject({ code: 'IO', message: expect.stringMatching(/^cannot write to the module cache ".*file\/modules": /) });
  });
});
