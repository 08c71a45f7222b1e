import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleScript } from '../../../src/bundle/index.js';

async function importsOf(files: Record<string, string>, entry = 'script.js'): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-imports-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const bundle = await bundleScript(entry, { cwd: dir });
  return bundle.imports.map((reference) => `${reference.at} ${reference.specifier} ${reference.module} ${reference.path.join('.')}`);
}

describe('what a script takes from the runtime modules', () => {
  it('lists named imports, members of default and namespace imports, and each place once', async () => {
    const imports = await importsOf({
      'script.js': [
        "import { sleep, check as verify } from 'k6';",
        "import http from 'k6/http';",
        "import * as metrics from 'wsk/metrics';",
        "import exec from 'k6/execution';",
        'export default function () {',
        "  http.get('http://127.0.0.1:1/'); http.get('http://127.0.0.1:1/');",
        "  const t = new metrics.Trend('t'); verify(exec.vu.idInTest, {}); sleep(1); t.add(1);",
        "  http['post']('http://127.0.0.1:1/', null);",
        '}',
      ].join('\n'),
    });
    expect(imports).toEqual([
      'script.js:1:10 k6 wsk sleep',
      'script.js:1:17 k6 wsk check',
      'script.js:6:8 k6/http wsk/http default.get',
      'script.js:7:25 wsk/metrics wsk/metrics Trend',
      'script.js:7:52 k6/execution wsk/execution default.vu.idInTest',
      'script.js:7:49 k6/execution wsk/execution default.vu',
      'script.js:8:8 k6/http wsk/http default.post',
    ]);
  });

  it("follows the user's own files and leaves alone what typeof asks about, what is written or deleted, type-only imports and deeper paths", async () => {
    const imports = await importsOf({
      'lib.js': "import http from 'k6/http';\nexport const hasFile = typeof http.file === 'function';\ntry { http.x = 1; http.z += 1; delete http.y; } catch {}\nexport const jar = () => http.cookieJar().cookiesForURL('x');",
      'script.ts': "import { hasFile, jar } from './lib.js';\nimport type { Options } from 'k6';\nexport const options: Options = {};\nexport default function () { if (hasFile) jar(); }",
    }, 'script.ts');
    expect(imports).toEqual(['lib.js:4:31 k6/http wsk/http default.cookieJar']);
  });
});
