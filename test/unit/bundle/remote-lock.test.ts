import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLock, ModuleLock, parseLock } from '../../../src/bundle/remote-lock.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function lockPath(text?: string): string {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-lock-'));
  const file = path.join(dir, 'wsk.lock.json');
  if (text !== undefined) writeFileSync(file, text);
  return file;
}

describe('the lock file format', () => {
  it('reads URL → sha256 entries', () => {
    const text = JSON.stringify({ version: 1, modules: { 'https://x.example/a.js': { sha256: A } } });
    expect(parseLock(text, 'wsk.lock.json')).toEqual(new Map([['https://x.example/a.js', { sha256: A }]]));
  });

  it('writes URLs sorted, two-space indented, with a final newline, so adding one is a one-line diff', () => {
    const text = formatLock(new Map([['https://z.example/z.js', { sha256: B }], ['https://a.example/a.js', { sha256: A }]]));
    expect(text).toBe(`{\n  "version": 1,\n  "modules": {\n    "https://a.example/a.js": {\n      "sha256": "${A}"\n    },\n    "https://z.example/z.js": {\n      "sha256": "${B}"\n    }\n  }\n}\n`);
    expect(parseLock(text, 'wsk.lock.json').size).toBe(2);
  });

  it.each([
    ['{"version": 1, "modules": ', /^wsk.lock.json is not valid JSON \(/],
    ['[]', /^wsk.lock.json: expected \{"version": 1, "modules": \{"<url>": \{"sha256": "<64 hex digits>"\}\}\}$/],
    ['{"version": 1}', /^wsk.lock.json: expected \{"version": 1, "modules"/],
    ['{"version": 2, "modules": {}}', /^wsk.lock.json: version 2 is not supported; this wsk reads version 1$/],
    ['{"version": 1, "modules": {"https://x.example/a.js": {"sha256": "abc"}}}', /^wsk.lock.json: the entry of "https:\/\/x.example\/a.js" has no valid sha256; expected/],
    ['{"version": 1, "modules": {"https://x.example/a.js": "' + A + '"}}', /^wsk.lock.json: the entry of "https:\/\/x.example\/a.js" has no valid sha256/],
  ])('refuses %s with one line naming the file', (text, message) => {
    let error: unknown;
    try {
      parseLock(text, 'wsk.lock.json');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: 'LOCK_FILE', exitCode: 104, message: expect.stringMatching(message), hint: expect.stringContaining('delete wsk.lock.json') });
  });
});

describe('ModuleLock', () => {
  it('is empty when there is no file, and writes none until a module is added', async () => {
    const file = lockPath();
    const lock = await ModuleLock.load(file, 'wsk.lock.json');
    expect(lock.get('https://x.example/a.js')).toBeUndefined();
    await lock.save();
    expect(existsSync(file)).toBe(false);
  });

  it('keeps the entries it read and writes them back with the added ones', async () => {
    const file = lockPath(formatLock(new Map([['https://x.example/b.js', { sha256: B }]])));
    const lock = await ModuleLock.load(file, 'wsk.lock.json');
    expect(lock.get('https://x.example/b.js')).toEqual({ sha256: B });
    lock.add('https://x.example/a.js', { sha256: A });
    await lock.save();
    expect(parseLock(readFileSync(file, 'utf8'), 'wsk.lock.json')).toEqual(
      new Map([
        ['https://x.example/a.js', { sha256: A }],
        ['https://x.example/b.js', { sha256: B }],
      ]),
    );
  });

  it('leaves an unchanged file as the user wrote it', async () => {
    const text = `{"version":1,"modules":{"https://x.example/b.js":{"sha256":"${B}"}}}`;
    const file = lockPath(text);
    await (await ModuleLock.load(file, 'wsk.lock.json')).save();
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
