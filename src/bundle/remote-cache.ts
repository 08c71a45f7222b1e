/**
 * The module cache: remote modules' bytes in one directory, each file named by the sha256 of its
 * contents, so one file serves every URL and every script that locked those bytes, and a file is
 * never rewritten. The lock file (remote-lock.ts) says which hash a URL stands for.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configError, quote } from '../errors.js';

export type Sha256 = string;

export function sha256(bytes: Uint8Array): Sha256 {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * `WSK_MODULE_CACHE`, else `$XDG_CACHE_HOME/wsk/modules`, else `~/.cache/wsk/modules`. A relative
 * `WSK_MODULE_CACHE` is taken from `cwd`, as the user typed it there.
 */
export function moduleCacheDir(env: Readonly<Record<string, string | undefined>>, cwd: string, home = os.homedir()): string {
  const own = env['WSK_MODULE_CACHE'];
  if (own !== undefined && own !== '') return path.resolve(cwd, own);
  // The XDG spec ignores a relative XDG_CACHE_HOME.
  const xdg = env['XDG_CACHE_HOME'];
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || home, '.cache');
  return path.join(base, 'wsk', 'modules');
}

export class ModuleCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The bytes stored under `hash`; undefined when absent, or when the file no longer matches its name. */
  async read(hash: Sha256): Promise<Buffer | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.#file(hash));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#ioError('read', error);
    }
    // A damaged file is as good as a missing one: fetched again, or reported as missing offline.
    return sha256(bytes) === hash ? bytes : undefined;
  }

  /** Stores `bytes` under their hash. Written to a temporary name and renamed, so a reader never sees half a file. */
  async write(bytes: Uint8Array): Promise<Sha256> {
    const hash = sha256(bytes);
    const temporary = `${this.#file(hash)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (error) {
      throw this.#ioError('write to', error);
    }
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, this.#file(hash));
    } catch (error) {
      await rm(temporary, { force: true });
      throw this.#ioError('write to', error);
    }
    return hash;
  }

  #file(hash: Sha256): string {
    return path.join(this.dir, hash);
  }

  #ioError(verb: string, error: unknown): Error {
    return configError('IO', `cannot ${verb} the module cache ${quote(this.dir)}: ${(error as Error).message}`, 'set WSK_MODULE_CACHE to a writable directory');
  }
}
