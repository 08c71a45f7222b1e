import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportReference } from '../../../runtime/protocol.js';
import { importSpecifiers, quickScan } from '../../../src/bundle/quick-scan.js';
import { ScriptRewriter } from '../../../src/bundle/rewrite.js';
import { LazyScriptRewriter } from '../../../src/bundle/script-rewriter.js';
import { PROTOCOLS } from '../../../src/protocols/index.js';

const table = PROTOCOLS.runtimeTable;
const FILE = '/s/script.ts';

/** What the full analysis gives for `text`: code, warnings, errors and references. */
function analysed(text: string): unknown {
  const rewriter = new ScriptRewriter({ readFile: (file) => (file === FILE ? text : undefined) }, table);
  const rewrite = rewriter.rewrite(FILE)!;
  // The first place of each member, as a bundle lists them.
  const references = new Map<string, ImportReference>();
  for (const reference of rewriter.fileReferences(FILE, () => 'script.ts')) {
    const key = `${reference.module} ${reference.path.join('.')}`;
    if (!references.has(key)) references.set(key, reference);
  }
  return { code: rewrite.code, warnings: rewrite.warnings, errors: rewrite.errors, references: [...references.values()] };
}

async function lazily(text: string): Promise<unknown> {
  const rewriter = new LazyScriptRewriter({ readFile: (file) => (file === FILE ? text : undefined) }, table);
  const rewrite = (await rewriter.rewrite(FILE))!;
  return { code: rewrite.code, warnings: rewrite.warnings, errors: rewrite.errors, references: rewriter.runtimeReferences(() => 'script.ts') };
}

/** Scripts the scan answers for: what it says must be what the analysis says. */
const ANSWERED = {
  'the W0 bench script': `import ws from 'wsk/ws';
import { sleep } from 'wsk';
export const options = { vus: 1, iterations: 1 };
export default async function () {
  const socket = await ws.open(__ENV.URL!);
  await socket.request('x'.repeat(100));
  await sleep(1);
  socket.close();
}
`,
  'namespace, renamed and type-only imports, deep members, new, comments, strings, templates and regexes': `import * as metrics from 'wsk/metrics';
import exec from 'wsk/execution';
import { check as verify, type Checkers } from 'wsk';
import type { Socket } from 'wsk/ws';
import http from 'wsk/http';
const trend = new metrics.Trend('t'); // exec.vu.id in a comment
const re = /exec\\.x[/]/g;
/* sleep(1) */ const text = \`\${exec.vu.tags.get('a')} and \${'sleep('} \`;
let s: Socket | undefined;
export default async function () {
  const r = await http.get('http://127.0.0.1/' + exec.vu.idInTest.toString() + 'a' / 2);
  verify(r, { ok: (x: { status: number }) => x.status === 200 } satisfies Checkers<unknown>);
  trend.add(1);
}
`,
  'a plain script': `export default function () { return 1 / 2; }\n`,
  'divisions after parentheses, and regexes after the heads of if and for': `import { sleep } from 'wsk';
export default async function () {
  const half = (__VU + 1) / 2;
  if (half > 1) /sleep\\(/.test('a');
  for (const x of [1]) /b/g.exec(String(x));
  await sleep((1000 + ((__VU - 1) * 20) / Number(__ENV.VUS)) / 1000 / half);
}
`,
};

/** Scripts it leaves to the analysis. */
const LEFT = {
  'a k6 import': `import { sleep } from 'k6';\nexport default function () { sleep(1); }\n`,
  'a relative import': `import { f } from './lib.ts';\nexport default function () { f(); }\n`,
  'a runtime binding stored': `import ws from 'wsk/ws';\nconst open = ws.open;\n`,
  'a runtime binding shadowed': `import { sleep } from 'wsk';\nfunction f(sleep: number) { return sleep; }\n`,
  'a method named as a binding': `import { sleep } from 'wsk';\nclass A { sleep(s: number) { return s; } }\n`,
  'a blocking call not awaited': `import { sleep } from 'wsk';\nexport default function () { sleep(1); }\n`,
  'an awaited call that continues': `import ws from 'wsk/ws';\nexport default async function () { await ws.open('u').then(() => 1); }\n`,
  'import.meta': `import ws from 'wsk/ws';\nconsole.log(import.meta.url);\n`,
  'a re-export': `export * from 'wsk';\n`,
  'a slash after a brace': `import ws from 'wsk/ws';\nif (ws) {}\n/a/.test('a');\n`,
  'require': `const x = require('wsk');\n`,
};

describe('quick scan', () => {
  it.each(Object.entries(ANSWERED))('answers for %s exactly as the TypeScript analysis does', async (_, text) => {
    expect(quickScan(text, table)).toBeDefined();
    expect(await lazily(text)).toEqual(analysed(text));
  });

  it.each(Object.entries(LEFT))('leaves %s to the TypeScript analysis, with the same result', async (_, text) => {
    expect(quickScan(text, table)).toBeUndefined();
    expect(await lazily(text)).toEqual(analysed(text));
  });

  it('answers for the example scripts it can read, as the analysis does', async () => {
    const dir = path.resolve('scripts-examples');
    const scripts = readdirSync(dir).filter((file) => /\.[jt]s$/.test(file));
    let answered = 0;
    for (const script of scripts) {
      const text = readFileSync(path.join(dir, script), 'utf8');
      if (quickScan(text, table) !== undefined) answered++;
      expect(await lazily(text), script).toEqual(analysed(text));
    }
    expect(answered).toBeGreaterThan(0);
  });

  it('lists import specifiers, type-only ones included, and gives up on require() and import()', () => {
    expect(importSpecifiers(`import type { A } from './a.ts';\nimport b from 'https://x.test/b.js';\nimport 'c';\n`)).toEqual(['./a.ts', 'https://x.test/b.js', 'c']);
    expect(importSpecifiers(`const a = await import('./a.js');\n`)).toBeUndefined();
    expect(importSpecifiers(`const a = require('./a.js');\n`)).toBeUndefined();
  });
});
