/**
 * The lock file, `wsk.lock.json` beside the script: each remote module's URL with the sha256 of
 * the bytes first fetched from it. Committed with the script, it makes every later run (a
 * colleague's, CI's) bundle exactly the reviewed bytes: they come from the cache by hash, and
 * bytes fetched again must hash the same.
 *
 *   { "version": 1, "modules": { "https://jslib.k6.io/k6-utils/1.4.0/index.js": { "sha256": "…" } } }
 *
 * URLs are kept sorted, so adding one is a one-line diff.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { WskError, quote } from '../errors.js';
import type { Sha256 } from './remote-cache.js';

export const LOCK_FILE = 'wsk.lock.json';
const LOCK_VERSION = 1;

export interface LockEntry {
  readonly sha256: Sha256;
}

export class ModuleLock {
  /** The lock file's path, as messages name it. */
  readonly name: string;
  readonly #file: string;
  readonly #entries: Map<string, LockEntry>;
  #changed = false;

  private constructor(file: string, name: string, entries: Map<string, LockEntry>) {
    this.#file = file;
    this.name = name;
    this.#entries = entries;
  }

  /** Reads `file`; a missing file is an empty lock. `name` is how messages name it. */
  static async load(file: string, name: string): Promise<ModuleLock> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new ModuleLock(file, name, new Map());
      throw lockError(`cannot read ${name}: ${(error as Error).message}`);
    }
    return new ModuleLock(file, name, parseLock(text, name));
  }

  get(url: string): LockEntry | undefined {
    return this.#entries.get(url);
  }

  add(url: string, entry: LockEntry): void {
    this.#entries.set(url, entry);
    this.#changed = true;
  }

  /** Writes the file if a module was added since it was read. */
  async save(): Promise<void> {
    if (!this.#changed) return;
    try {
      await writeFile(this.#file, formatLock(this.#entries));
    } catch (error) {
      throw lockError(`cannot write ${this.name}: ${(error as Error).message}`);
    }
    this.#changed = false;
  }
}

/** The entries of a lock file's text; any other shape is one line naming the file and what was wrong. */
export function parseLock(text: string, name: string): Map<string, LockEntry> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw lockError(`${name} is not valid JSON (${(error as Error).message})`);
  }
  const shape = `expected {"version": ${LOCK_VERSION}, "modules": {"<url>": {"sha256": "<64 hex digits>"}}}`;
  if (!isObject(parsed) || !isObject(parsed['modules'])) throw lockError(`${name}: ${shape}`);
  if (parsed['version'] !== LOCK_VERSION) throw lockError(`${name}: version ${quote(parsed['version'])} is not supported; this wsk reads version ${LOCK_VERSION}`);
  const entries = new Map<string, LockEntry>();
  for (const [url, entry] of Object.entries(parsed['modules'])) {
    const hash = isObject(entry) ? entry['sha256'] : undefined;
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw lockError(`${name}: the entry of ${quote(url)} has no valid sha256; ${shape}`);
    entries.set(url, { sha256: hash });
  }
  return entries;
}

export function formatLock(entries: ReadonlyMap<string, LockEntry>): string {
  const modules = Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([url, entry]) => [url, { sha256: entry.sha256 }]));
  return `${JSON.stringify({ version: LOCK_VERSION, modules }, null, 2)}\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lockError(message: string): WskError {
  return new WskError('LOCK_FILE', message, { hint: `fix or delete ${LOCK_FILE}; wsk writes it again from the modules it fetches` });
}
