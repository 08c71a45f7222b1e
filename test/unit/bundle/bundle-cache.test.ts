// A script's bundle kept between runs (src/bundle/bundle-cache.ts): used while nothing that decided it
// changed, made anew as soon as anything did. Each case tells a kept bundle from a fresh one by a
// marker it writes into the kept file.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../src/bundle/index.js';
import type { BundleCache } from '../../../src/bundle/bundle-cache.js';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsk-bundle-cache-'));
  dirs.push(dir);
  return dir;
}

/** A project of `files`, and a cache of its own whose bundler is `maker.txt`. */
function project(files: Record<string, string>): { dir: string; cache: BundleCache; write: (name: string, text: string) => void } {
  const dir = tempDir();
  const write = (name: string, text: string): void => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  const makers = tempDir();
  writeFileSync(path.join(makers, 'maker.txt'), 'wsk 1');
  return { dir, cache: { dir: path.join(makers, 'kept'), makers: [path.join(makers, 'maker.txt')] }, write };
}

/** Marks the only kept bundle: its code's `fresh` becomes `kept`, so a bundle read from it says so. */
function markKept(cache: BundleCache): void {
  const [file] = readdirSync(cache.dir);
  const kept = path.join(cache.dir, file!);
  writeFileSync(kept, readFileSync(kept, 'utf8').replaceAll('fresh', 'kept'));
}

/**
 * Bundles `script`, once its files are older than the bundle's start by more than the file clock's
 * slack: a file that changed while it was bundled is never kept.
 */
async function bundle(dir: string, cache: BundleCache, script = 'script.ts') {
  await new Promise((resolve) => setTimeout(resolve, 40));
  return bundleScript(script, { cwd: dir, cache });
}

const SCRIPT = `import { sleep } from 'k6';
import { value } from './util';
export default function () { sleep(1); return value; }
`;

describe('a kept bundle', () => {
  it('is used while nothing changed, with the same positions, imports and warnings as the fresh one', async () => {
    const { dir, cache } = project({ 'script.ts': SCRIPT, 'util.ts': `export const value = 'fresh';\nexport const twice = { a: 1, a: 2 };\n` });
    const fresh = await bundle(dir, cache);
    expect(fresh.code).toContain('fresh');
    expect(fresh.warnings.map((warning) => warning.message)).toEqual(['Duplicate key "a" in object literal']);
    markKept(cache);
    const kept = await bundle(dir, cache);
    expect(kept.code).toContain('kept');
    expect(kept.imports).toEqual(fresh.imports);
    expect(kept.warnings).toEqual(fresh.warnings);
    expect(kept.files).toEqual(fresh.files);
    // Every position of the code maps back the same way: to the script's lines, past the rewrite's `await`.
    const lines = fresh.code.split('\n');
    const mapped = lines.flatMap((text, i) => [...text].map((_, j) => fresh.mapPosition(i + 1, j + 1)));
    expect(lines.flatMap((text, i) => [...text].map((_, j) => kept.mapPosition(i + 1, j + 1)))).toEqual(mapped);
    expect(mapped).toContainEqual({ file: 'script.ts', line: 3, column: 30 });
  });

  it('is made anew when the script, a file it imports, or the bundler changed', async () => {
    const { dir, cache, write } = project({ 'script.ts': SCRIPT, 'util.ts': `export const value = 'fresh';\n` });
    await bundle(dir, cache);
    markKept(cache);
    write('util.ts', `export const value = 'fresh';\n`); // the same bytes, written again
    expect((await bundle(dir, cache)).code).toContain('fresh');

    markKept(cache);
    write('script.ts', SCRIPT.replace('return value', 'return value + 1'));
    expect((await bundle(dir, cache)).code).toContain('fresh');

    markKept(cache);
    writeFileSync(cache.makers[0]!, 'wsk 2');
    expect((await bundle(dir, cache)).code).toContain('fresh');
  });

  it("checks the content of the files it read, where a file system's times would not tell an edit", async () => {
    const { dir, cache, write } = project({ 'script.ts': SCRIPT, 'util.ts': `export const value = 'fresh';\n` });
    await bundle(dir, cache);
    markKept(cache);
    write('util.ts', `export const value = 'fres2';\n`);
    // As if the times had not moved (a file system counting whole seconds): the kept states take the new
    // times of util.ts and keep its old content's hash.
    const [name] = readdirSync(cache.dir);
    const kept = path.join(cache.dir, name!);
    const text = readFileSync(kept, 'utf8');
    const head = JSON.parse(text.slice(0, text.indexOf('\n'))) as { states: [string, string][] };
    const { ino, size, mtimeNs, ctimeNs } = statSync(path.join(dir, 'util.ts'), { bigint: true });
    const util = head.states.find(([file]) => file === path.join(dir, 'util.ts'))!;
    util[1] = `${ino}-${size}-${mtimeNs}-${ctimeNs}#${util[1].split('#')[1]}`;
    writeFileSync(kept, `${JSON.stringify(head)}${text.slice(text.indexOf('\n'))}`);
    expect((await bundle(dir, cache)).code).toContain('fres2');
  });

  it('is not kept when a file it read changed after the bundle started', async () => {
    const { dir, cache } = project({ 'script.ts': SCRIPT, 'util.ts': `export const value = 'fresh';\n` });
    expect((await bundleScript('script.ts', { cwd: dir, cache })).code).toContain('fresh');
    expect(readdirSync(path.dirname(cache.dir))).toEqual(['maker.txt']);
    await bundle(dir, cache);
    expect(readdirSync(cache.dir)).toHaveLength(1);
  });

  it('is made anew when a file appears that the import would now resolve to', async () => {
    const { dir, cache, write } = project({ 'script.ts': SCRIPT, 'util.js': `export const value = 'fresh js';\n` });
    await bundle(dir, cache);
    markKept(cache);
    // ./util is util.ts before util.js for esbuild.
    write('util.ts', `export const value = 'fresh ts';\n`);
    expect((await bundle(dir, cache)).code).toContain('fresh ts');
  });

  it('is made anew when a tsconfig.json appears or changes above the script, even with its old times', async () => {
    const { dir, cache, write } = project({ 'app/script.ts': SCRIPT, 'app/util.ts': `export const value = 'fresh';\n` });
    await bundle(dir, cache, 'app/script.ts');
    markKept(cache);
    // npm's extracted files all have one modification time.
    const tsconfig = path.join(dir, 'tsconfig.json');
    const npmTime = new Date('1985-10-26T08:15:00Z');
    write('tsconfig.json', '{}');
    utimesSync(tsconfig, npmTime, npmTime);
    expect((await bundle(dir, cache, 'app/script.ts')).code).toContain('fresh');

    // Rewritten with the same size and modification time: only the change time tells.
    markKept(cache);
    write('tsconfig.json', '[]');
    utimesSync(tsconfig, npmTime, npmTime);
    expect((await bundle(dir, cache, 'app/script.ts')).code).toContain('fresh');
  });

  it('is kept per script and per working directory', async () => {
    const { dir, cache, write } = project({ 'script.ts': SCRIPT, 'util.ts': `export const value = 'fresh';\n` });
    write('other.ts', SCRIPT);
    await bundle(dir, cache);
    await bundle(dir, cache, 'other.ts');
    await bundleScript(path.join(dir, 'script.ts'), { cwd: tempDir(), cache });
    expect(readdirSync(cache.dir)).toHaveLength(3);
  });

  it('is not kept for a script that imports a package or a module by URL', async () => {
    const { dir, cache, write } = project({ 'script.ts': `import { value } from 'some-package';\nexport default function () { return value; }\n` });
    write('node_modules/some-package/package.json', JSON.stringify({ name: 'some-package', main: 'index.js' }));
    write('node_modules/some-package/index.js', `exports.value = 'fresh';\n`);
    expect((await bundle(dir, cache)).code).toContain('fresh');
    expect(readdirSync(path.dirname(cache.dir))).toEqual(['maker.txt']);
  });

  it('is never used with a table of modules other than wsk\'s own', async () => {
    const { dir, cache } = project({ 'script.ts': SCRIPT, 'util.ts': `export const value = 'fresh';\n` });
    await bundle(dir, cache);
    markKept(cache);
    const { PROTOCOLS } = await import('../../../src/protocols/index.js');
    expect((await bundleScript('script.ts', { cwd: dir, cache, table: PROTOCOLS.runtimeTable })).code).toContain('fresh');
  });
});
