// wsk's bundles run through src/run-bundle.cts, which keeps V8's code cache of each between runs.
// Each case runs a bundle in a Node process of its own, as wsk's CLI and threads do.
import { spawnSync } from 'node:child_process';
import { isAscii } from 'node:buffer';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptDir } from '../integration/harness.js';

const LOADER = path.resolve(import.meta.dirname, '../../dist/src/run-bundle.cjs');

/** A bundle whose exports tell the value it was built with, with a function that runs at start-up. */
function bundleSource(value: string): string {
  return `"use strict";\nfunction answer() { return ${JSON.stringify(value)} + ':' + require('node:path').basename(__filename); }\nmodule.exports = { answer: answer() };\n`;
}

/** Runs `file` through the loader in a new process: what its exports say and how the cache was used. */
function run(file: string, cacheDir?: string | null, use?: string): { answer: string; cache: string } {
  // JSON leaves out what is undefined: the loader's defaults.
  const options = JSON.stringify({ cacheDir, use });
  const code = `const r = require(${JSON.stringify(LOADER)}).runBundle(${JSON.stringify(file)}, ${options}); process.stdout.write(JSON.stringify({ answer: r.exports.answer, cache: r.cache }));`;
  const child = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000 });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as { answer: string; cache: string };
}

describe('running a bundle with its code cache', () => {
  it('makes the cache at exit, beside the bundle directory, and compiles from it in the next process', () => {
    const dir = scriptDir({ 'bundle/cli.cjs': bundleSource('first') });
    const file = path.join(dir, 'bundle', 'cli.cjs');
    expect(run(file)).toEqual({ answer: 'first:cli.cjs', cache: 'made' });
    const kept = readdirSync(path.join(dir, '.code-cache'));
    expect(kept).toEqual([expect.stringMatching(/^cli\.[0-9a-z]+(-[0-9a-z]+){3}\.v8$/)]);
    expect(run(file)).toEqual({ answer: 'first:cli.cjs', cache: 'used' });
  });

  it('never runs a rebuilt bundle from the old one\'s cache, even at the same length, which is all V8 checks', () => {
    const dir = scriptDir({ 'bundle/cli.cjs': bundleSource('one') });
    const file = path.join(dir, 'bundle', 'cli.cjs');
    run(file);
    const [old] = readdirSync(path.join(dir, '.code-cache'));
    writeFileSync(file, bundleSource('two'));
    expect(run(file)).toEqual({ answer: 'two:cli.cjs', cache: 'made' });
    // The old bundle's cache goes when the new one's is kept.
    const kept = readdirSync(path.join(dir, '.code-cache'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).not.toBe(old);
    expect(run(file)).toEqual({ answer: 'two:cli.cjs', cache: 'used' });
  });

  it('keeps a cache per use (the CLI\'s command), named only from a plain word', () => {
    const dir = scriptDir({ 'bundle/cli.cjs': bundleSource('uses') });
    const file = path.join(dir, 'bundle', 'cli.cjs');
    expect(run(file, undefined, 'run').cache).toBe('made');
    expect(run(file, undefined, 'serve').cache).toBe('made');
    expect(run(file, undefined, 'run').cache).toBe('used');
    // Not a command's name: the bundle's plain cache, never a path of its own.
    expect(run(file, undefined, '../../escape').cache).toBe('made');
    expect(run(file, undefined, '--help').cache).toBe('used');
    expect(readdirSync(path.join(dir, '.code-cache')).map((entry) => entry.replace(/\.[0-9a-z]+(-[0-9a-z]+){3}\.v8$/, '')).sort()).toEqual(['cli', 'cli-run', 'cli-serve']);
  });

  it('runs from source when the cache cannot be written, and when caching is off', () => {
    const dir = scriptDir({ 'bundle/worker.cjs': bundleSource('plain') });
    const file = path.join(dir, 'bundle', 'worker.cjs');
    // A directory under a file cannot be made, whoever runs the test.
    expect(run(file, path.join(file, 'cache'))).toEqual({ answer: 'plain:worker.cjs', cache: 'made' });
    expect(run(file, path.join(file, 'cache'))).toEqual({ answer: 'plain:worker.cjs', cache: 'made' });
    expect(run(file, null)).toEqual({ answer: 'plain:worker.cjs', cache: 'off' });
    expect(existsSync(path.join(dir, '.code-cache'))).toBe(false);
  });

  it('reads a bundle of other than ASCII as UTF-8', () => {
    const dir = scriptDir({ 'bundle/cli.cjs': bundleSource('naïve µs → ok') });
    expect(run(path.join(dir, 'bundle', 'cli.cjs'))).toEqual({ answer: 'naïve µs → ok:cli.cjs', cache: 'made' });
  });

  it("makes wsk's own bundles of ASCII only, which read as Latin-1", () => {
    const bundles = path.resolve(import.meta.dirname, '../../dist/bundle');
    const files = readdirSync(bundles).filter((file) => file.endsWith('.cjs'));
    expect(files.sort()).toEqual(['cli.cjs', 'pacer-thread.cjs', 'worker.cjs']);
    for (const file of files) expect([file, isAscii(readFileSync(path.join(bundles, file)))]).toEqual([file, true]);
  });
});
