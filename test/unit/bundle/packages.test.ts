// npm packages in scripts: bundled from the node_modules folders above the script, as Node finds
// them; a package that needs one of Node's own modules is one line at bundling, naming both.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleScript } from '../../../src/bundle/index.js';
import { WskError } from '../../../src/errors.js';

let dir: string | undefined;

afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A folder with the given files (paths relative to it), as a team's load-test folder would be. */
function folder(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-packages-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function bundleError(script: string, cwd: string): Promise<WskError> {
  const error: unknown = await bundleScript(script, { cwd }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WskError)) throw new Error(`expected a WskError, got ${String(error)}`);
  return error;
}

/** Runs the bundle (init code that does not await) and returns the exports it hands over. */
function exportsOf(code: string): Record<string, unknown> {
  let exported: Record<string, unknown> = {};
  const __wskExports = (namespace: Record<string, unknown>): void => {
    exported = namespace;
  };
  vm.runInNewContext(code, { module: { exports: {} }, exports: {}, require: () => ({}), __wskExports });
  return exported;
}

const pkg = (name: string, main: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ name, version: '1.0.0', main, ...extra });

describe('npm packages in scripts', () => {
  it('are bundled from the node_modules above the script, a package\'s own dependencies from its own', async () => {
    const cwd = folder({
      'node_modules/@acme/greet/package.json': pkg('@acme/greet', 'index.js'),
      'node_modules/@acme/greet/index.js': "const shout = require('shout'); exports.greet = (who) => shout('hello ' + who);",
      'node_modules/@acme/greet/node_modules/shout/package.json': pkg('shout', 'lib/shout.js'),
      'node_modules/@acme/greet/node_modules/shout/lib/shout.js': 'module.exports = (text) => text.toUpperCase() + "!";',
      'node_modules/esm-only/package.json': pkg('esm-only', 'cjs.js', { module: 'esm.js' }),
      'node_modules/esm-only/esm.js': 'export const flavour = "esm";',
      'node_modules/esm-only/cjs.js': 'exports.flavour = "cjs";',
      'tests/load/script.ts': [
        "import { greet } from '@acme/greet';",
        "import { flavour } from 'esm-only';",
        'export const said = greet("team");',
        'export const which = flavour;',
        'export default function () {}',
      ].join('\n'),
    });
    const bundle = await bundleScript('tests/load/script.ts', { cwd });
    expect(exportsOf(bundle.code)).toMatchObject({ said: 'HELLO TEAM!', which: 'esm' });
    expect(bundle.files.some((file) => file.endsWith(path.join('shout', 'lib', 'shout.js')))).toBe(true);
  });

  it('a package that needs a Node built-in is one line naming the package, the built-in and why', async () => {
    const cwd = folder({
      'node_modules/csv-reader/package.json': pkg('csv-reader', 'index.js'),
      'node_modules/csv-reader/index.js': "import fs from 'fs';\nexport const read = (file) => fs.readFileSync(file, 'utf8');",
      'script.ts': "import { read } from 'csv-reader';\nexport default function () { read('users.csv'); }",
    });
    const error = await bundleError('script.ts', cwd);
    expect(error.exitCode).toBe(107);
    expect(error.message.split('\n')[0]).toMatch(
      /^node_modules\/csv-reader\/index\.js:1:\d+: package "csv-reader" needs the Node built-in "fs" \(imported by index\.js\), which VUs cannot have: VUs run in a sandbox without Node's modules \(files: read them in init code with open\(\); network: use wsk\/http or wsk\/ws\); use a package that runs in browsers, or without Node$/,
    );
  });

  it("a package's require() of a built-in, which may never run in a VU, is left out with that line as a warning", async () => {
    const cwd = folder({
      'node_modules/streamy/package.json': pkg('streamy', 'index.js'),
      'node_modules/streamy/index.js': "exports.parse = (t) => t.split(','); exports.stream = () => require('stream').Duplex;",
      'script.ts': "import { parse } from 'streamy';\nexport const parts = parse('a,b');\nexport default function () {}",
    });
    const bundle = await bundleScript('script.ts', { cwd });
    expect(exportsOf(bundle.code)['parts']).toEqual(['a', 'b']);
    expect(bundle.warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/^package "streamy" needs the Node built-in "stream" \(imported by index\.js\), which VUs cannot have: .*; it is left out, and the package fails if it calls it$/),
    ]);
  });

  it('the script importing a built-in itself is told the same, and where', async () => {
    const cwd = folder({ 'script.ts': "import { readFileSync } from 'node:fs';\nexport default function () { readFileSync('x'); }" });
    const error = await bundleError('script.ts', cwd);
    expect(error.message.split('\n')[0]).toBe(
      'script.ts:1:30: cannot import the Node built-in "node:fs": VUs run in a sandbox without Node\'s modules (files: read them in init code with open(); network: use wsk/http or wsk/ws)',
    );
  });

  it('a package that is not installed says so and how to install it', async () => {
    const cwd = folder({ 'script.ts': "import { v4 } from 'uuid-not-installed/v4';\nexport default function () { v4(); }" });
    const error = await bundleError('script.ts', cwd);
    expect(error.message.split('\n')[0]).toMatch(
      /^script\.ts:1:\d+: cannot import package "uuid-not-installed": it is not installed in a node_modules folder above .* \(run `npm install uuid-not-installed` beside the script\)/,
    );
  });
});
