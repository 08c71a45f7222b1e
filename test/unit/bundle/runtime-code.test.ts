import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRuntime, runtimeCacheFile } from '../../../src/bundle/runtime-code.js';

const dir = mkdtempSync(path.join(tmpdir(), 'wsk-runtime-cache-'));
const files = ['marker.ts', 'broken.ts'].map((name) => path.join(dir, name));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) rmSync(runtimeCacheFile([file]), { force: true });
});

/** A sandbox side with nothing in it but a marker the built runtime must carry. */
function writeProtocol(file: string, marker: string): void {
  writeFileSync(file, `export default { shared: [], open: () => ({ modules: {}, events: {} }), describe: () => undefined, marker: ${JSON.stringify(marker)} };\n`);
}

describe('the runtime build kept between runs', () => {
  it('is read back while its inputs are unchanged, and built again when one changes', async () => {
    const file = files[0]!;
    writeProtocol(file, 'first-marker');
    const built = await buildRuntime([file]);
    expect(built).toContain('first-marker');
    expect(built).toContain('bootRealm');

    // What the next run reads is the kept file: mark it to tell it from a fresh build.
    const cacheFile = runtimeCacheFile([file]);
    const kept = readFileSync(cacheFile, 'utf8');
    const { states } = JSON.parse(kept.slice(0, kept.indexOf('\n'))) as { states: [string, string][] };
    expect(states.map(([input]) => input)).toContain(file);
    writeFileSync(cacheFile, kept.replace('first-marker', 'read-from-cache'));
    expect(await buildRuntime([file])).toContain('read-from-cache');

    writeProtocol(file, 'second-marker, longer');
    const rebuilt = await buildRuntime([file]);
    expect(rebuilt).toContain('second-marker, longer');
    expect(rebuilt).not.toContain('read-from-cache');
  });

  it('builds when the kept file is unreadable', async () => {
    const file = files[1]!;
    writeProtocol(file, 'broken-marker');
    mkdirSync(path.dirname(runtimeCacheFile([file])), { recursive: true });
    writeFileSync(runtimeCacheFile([file]), '{ not json\ncode');
    expect(await buildRuntime([file])).toContain('broken-marker');
  });
});
