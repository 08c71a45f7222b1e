import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleScript, type Bundle } from '../../../src/bundle/index.js';
import { unavailableModuleMessage } from '../../../src/bundle/plugin.js';
import { PROTOCOLS } from '../../../src/protocols/index.js';
import { WskError } from '../../../src/errors.js';
import { BUNDLE_FILE, instantiate as instantiateCode } from './instantiate.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/bundle/', import.meta.url));

type Exports = Record<string, unknown> & { default: () => Promise<unknown> };

/** The bundle's exports, once its init code is over. */
function instantiate(bundle: Bundle, modules: Record<string, unknown>): Promise<Exports> {
  return instantiateCode(bundle.code, modules) as Promise<Exports>;
}

async function bundleError(script: string, cwd = FIXTURES): Promise<WskError> {
  const error: unknown = await bundleScript(script, { cwd }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WskError)) throw new Error(`expected a WskError, got ${String(error)}`);
  return error;
}

describe('bundleScript', () => {
  it('bundles relative .ts and .json imports, maps k6 ids to wsk ids and awaits blocking calls', async () => {
    const bundle = await bundleScript('basic/main.ts', { cwd: FIXTURES });
    expect(bundle.entry).toBe(path.join(FIXTURES, 'basic/main.ts'));
    expect(bundle.files).toEqual(['main.ts', 'lib.ts', 'config.json'].map((file) => path.join(FIXTURES, 'basic', file)));
    expect(bundle.warnings).toEqual([]);
    expect(bundle.code).toContain('require("wsk")');
    expect(bundle.code).toContain('require("wsk/metrics")');
    expect(bundle.code).not.toMatch(/require\("k6/);

    const calls: unknown[][] = [];
    const exports = await instantiate(bundle, {
      wsk: {
        sleep: async (seconds: number) => {
          await Promise.resolve();
          calls.push(['sleep', seconds]);
        },
        group: async (name: string, fn: () => unknown) => {
          calls.push(['group', name]);
          await fn();
          calls.push(['group end', name]);
        },
      },
      'wsk/metrics': {
        Counter: class {
          add(value: number): void {
            calls.push(['add', value]);
          }
        },
      },
    });
    expect(exports['options']).toEqual({ vus: 2 });
    await exports.default();
    // Every sleep finished before the next step: the rewrite awaited them all.
    expect(calls).toEqual([['group', 'login'], ['sleep', 0.1], ['add', 1], ['sleep', 1], ['group end', 'login']]);
  });

  it('maps positions and stack frames back to the original source, before types were stripped and awaits inserted', async () => {
    const bundle = await bundleScript('throws/main.ts', { cwd: FIXTURES });
    const error = await (
      await instantiate(bundle, { wsk: { sleep: async () => {} } })
    )
      .default()
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    if (!(error instanceof Error) || error.stack === undefined) throw new Error('expected the script to throw');
    // The original line 9 is `  const pause: number = settings.retries; sleep(pause); sleep(pause); throw new Error(...)`.
    expect(bundle.mapStack(error.stack, BUNDLE_FILE, 1).split('\n').slice(0, 2)).toEqual([
      'Error: failed after 2 retries',
      '    at Object.main_default (main.ts:9:77)',
    ]);

    const lines = bundle.code.split('\n');
    const throwLine = lines.findIndex((line) => line.includes('throw new Error'));
    expect(bundle.mapPosition(throwLine + 1, (lines[throwLine] ?? '').indexOf('new') + 1)).toEqual({ file: 'main.ts', line: 9, column: 77 });
    expect(bundle.mapPosition(1, 1)).toBeUndefined();
    expect(bundle.mapPosition(lines.length + 5, 1)).toBeUndefined();
    expect(bundle.mapStack('at x (other.js:3:4)', BUNDLE_FILE, 1)).toBe('at x (other.js:3:4)');
  });

  it('reports rewrite and esbuild warnings at their original positions', async () => {
    const bundle = await bundleScript('warnings/main.js', { cwd: FIXTURES });
    expect(bundle.warnings).toEqual([
      {
        file: 'warnings/main.js',
        line: 4,
        column: 25,
        message: 'sleep() inside a callback of forEach cannot pause the VU; use a for…of loop',
        lineText: '  [1, 2].forEach((n) => sleep(n));',
      },
      {
        file: 'warnings/main.js',
        line: 5,
        column: 33,
        message: 'The "typeof" operator will never evaluate to "strin"',
        lineText: "  sleep(1); if (typeof __VU === 'strin') sleep(2);",
      },
    ]);
  });

  it('fails with SCRIPT_NOT_FOUND (exit 104) for a missing script', async () => {
    const error = await bundleError('nope.ts');
    expect([error.code, error.exitCode, error.message]).toEqual(['SCRIPT_NOT_FOUND', 104, `script "nope.ts" not found (resolved to ${path.join(FIXTURES, 'nope.ts')})`]);
    const directory = await bundleError('basic');
    expect(directory.message).toBe(`script "basic" is not a file (resolved to ${path.join(FIXTURES, 'basic')})`);
  });

  it('reports a syntax error with file:line:col, the source line and a caret (exit 107)', async () => {
    const error = await bundleError('quickstart.ts', path.join(FIXTURES, 'syntax'));
    expect([error.code, error.exitCode]).toEqual(['SCRIPT_SYNTAX', 107]);
    expect(error.message).toBe('quickstart.ts:3:7: Expected ";" but found "x"\nlet a x = 1;\n      ^');
  });

  it('reports a syntax error at its original column in a rewritten line', async () => {
    const error = await bundleError('syntax/rewritten.ts');
    expect(error.message).toBe('syntax/rewritten.ts:4:29: Expected ";" but found "x"\n  sleep(1); sleep(2); let a x = 1;\n                            ^');
  });

  it('rejects unknown k6/wsk modules, naming what is importable, and lists every error at once', async () => {
    const error = await bundleError('modules/browser.js');
    const lines = error.message.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'modules/browser.js:2:26: module "k6/browser" is not available in wsk; scripts can import k6, k6/metrics, k6/execution, k6/data, k6/encoding, k6/crypto, k6/summary, k6/html, k6/timers, k6/ws, k6/websockets, k6/experimental/websockets, k6/http, wsk, wsk/metrics, wsk/execution, wsk/data, wsk/encoding, wsk/crypto, wsk/summary, wsk/html, wsk/timers, wsk/ws, wsk/websockets, wsk/http, ' +
        'npm packages installed beside the script, the script\'s own files by relative path ("./lib.js"), or modules by https URL',
      "import { chromium } from 'k6/browser';",
      '                         ^',
    ]);
    expect(lines[3]).toMatch(/^modules\/browser\.js:3:\d+: cannot import package "lodash": it is not installed/);
    expect(lines).toHaveLength(6);
    expect(unavailableModuleMessage('node:fs', PROTOCOLS.runtimeTable)).toMatch(/^cannot import "node:fs": wsk bundles no built-in modules, and fetches remote ones by https URL only;/);
  });

  it('lets init code await at its top level, and awaits a blocking call there in a k6-style script', async () => {
    const bundle = await bundleScript('toplevel/main.js', { cwd: FIXTURES });
    expect(bundle.warnings).toEqual([]);
    const slept: number[] = [];
    let wake = (): void => {};
    const sleep = (seconds: number) =>
      new Promise<void>((resolve) => {
        slept.push(seconds);
        wake = resolve;
      });
    const init = instantiate(bundle, { wsk: { sleep } });
    let exported: Exports | undefined;
    void init.then((exports) => (exported = exports));
    await Promise.resolve();
    // The init code waits in its first sleep (awaited as written), the second is not reached yet.
    expect(slept).toEqual([1]);
    expect(exported).toBeUndefined();
    wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(slept).toEqual([1, 2]);
    wake();
    expect(Object.keys(await init)).toEqual(['default', 'options']);
    expect((await init)['options']).toEqual({ vus: 3 });
  });

  it('binds each name of a module the table lists once, without a getter per name; a module it does not list stays CommonJS', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wsk-stand-in-'));
    try {
      writeFileSync(
        path.join(dir, 'script.ts'),
        `import { sleep } from 'k6';\nimport ws, { open } from 'wsk/ws';\nimport exec from 'wsk/execution';\n` +
          `export default function () { return [sleep, ws, open, exec.vu]; }\n`,
      );
      const table = PROTOCOLS.runtimeTable;
      expect(table.exports?.['wsk']).toContain('sleep');
      expect(table.exports?.['wsk/execution']).toBeUndefined();
      const bundle = await bundleScript('script.ts', { cwd: dir });
      // esbuild's interop (a copy of the module object with a getter per name) is left for wsk/execution alone.
      expect(bundle.code.match(/__toESM\(/g)).toHaveLength(1);
      expect(bundle.code).toMatch(/= __toESM\(require_execution\(\)\)/);
      const wsk = { sleep: () => {} };
      const wsModule = { open: () => {}, connect: () => {} };
      const execution = {
        get vu() {
          return 'vu of the iteration';
        },
      };
      const exports = await instantiate(bundle, { wsk, 'wsk/ws': wsModule, 'wsk/execution': execution });
      expect(await exports.default()).toEqual([wsk.sleep, wsModule, wsModule.open, 'vu of the iteration']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
