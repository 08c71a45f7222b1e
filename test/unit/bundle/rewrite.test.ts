import { describe, expect, it } from 'vitest';
import { ScriptRewriter, type FileRewrite } from '../../../src/bundle/rewrite.js';
import type { RuntimeTable } from '../../../src/bundle/runtime-table.js';

/** Today's table plus the modules still to come: k6/http (default export with get/post) and k6/ws (connect). */
const table: RuntimeTable = {
  blocking: {
    wsk: { named: ['sleep', 'group'], defaultMembers: [] },
    'wsk/metrics': { named: [], defaultMembers: [] },
    'wsk/http': { named: [], defaultMembers: ['get', 'post'] },
    'wsk/ws': { named: ['connect'], defaultMembers: ['connect'] },
  },
  aliases: { k6: 'wsk', 'k6/metrics': 'wsk/metrics', 'k6/http': 'wsk/http', 'k6/ws': 'wsk/ws' },
};

function rewriteFiles(files: Readonly<Record<string, string>>, path: string): FileRewrite {
  const rewriter = new ScriptRewriter({ readFile: (file) => files[file] }, table);
  const result = rewriter.rewrite(path);
  if (result === undefined) throw new Error(`no such test file ${path}`);
  return result;
}

const HEADER = "import http from 'k6/http';\nimport { sleep, group, check } from 'k6';\n";

function rewriteScript(body: string, file = '/s/main.js'): FileRewrite {
  return rewriteFiles({ [file]: HEADER + body }, file);
}

describe('k6 auto-await rewrite', () => {
  it.each([
    ['a plain call', 'export default function () {\n  sleep(1);\n}', 'export default async function () {\n  await sleep(1);\n}'],
    ['a call kept as a value', "function f() { const res = http.get('u'); check(res, {}); }", "async function f() { const res = await http.get('u'); check(res, {}); }"],
    ['a chain on the result', "function f() { return http.get('u').json().items; }", "async function f() { return (await http.get('u')).json().items; }"],
    ['an element access on the result', "function f() { return http.get('u')['status']; }", "async function f() { return (await http.get('u'))['status']; }"],
    ['an optional chain on the result', "function f() { return http.get('u')?.json(); }", "async function f() { return (await http.get('u'))?.json(); }"],
    ['a unary operand', "function f() { return -http.get('u').status; }", "async function f() { return -(await http.get('u')).status; }"],
    ['the left side of **', "function f() { return http.get('u') ** 2; }", "async function f() { return (await http.get('u')) ** 2; }"],
    ['nested blocking calls', "function f() { http.post('u', http.get('v').body); }", "async function f() { await http.post('u', (await http.get('v')).body); }"],
    ['a chain starting a line after one without a semicolon', "function f() {\n  let a = 1\n  http.get('u').json()\n}", "async function f() {\n  let a = 1\n  ;(await http.get('u')).json()\n}"],
    ['a chain starting a line after a semicolon', "function f() {\n  let a = 1;\n  http.get('u').json()\n}", "async function f() {\n  let a = 1;\n  (await http.get('u')).json()\n}"],
    ['already awaited calls', "async function f() { await sleep(1); return (await http.get('u')).status; }", "async function f() { await sleep(1); return (await http.get('u')).status; }"],
    ['a concise arrow', 'const f = (u) => http.get(u).json();', 'const f = async (u) => (await http.get(u)).json();'],
    ['an arrow with one bare parameter', 'let f = u => sleep(u);', 'let f = async u => await sleep(u);'],
    ['a function expression bound to var', 'var f = function () { sleep(1) };', 'var f = async function () { await sleep(1) };'],
    ['an export default arrow', 'export default () => { sleep(1) };', 'export default async () => { await sleep(1) };'],
    ['nested user functions', 'function inner() { sleep(1) }\nfunction outer() { inner() }\nexport default function () { outer() }', 'async function inner() { await sleep(1) }\nasync function outer() { await inner() }\nexport default async function () { await outer() }'],
    ['a function used before its declaration', 'export default function () { later() }\nfunction later() { sleep(1) }', 'export default async function () { await later() }\nasync function later() { await sleep(1) }'],
    ['a group callback', "export default function () { group('g', function () { sleep(1) }) }", "export default async function () { await group('g', async function () { await sleep(1) }) }"],
    ['a group callback that does not block', "export default function () { group('g', () => { check(1, {}) }) }", "export default async function () { await group('g', () => { check(1, {}) }) }"],
    ['an immediately invoked function', 'export default function () { (function () { sleep(1) })() }', 'export default async function () { await (async function () { await sleep(1) })() }'],
    [
      'object literal methods and this',
      "const api = {\n  login() { http.post('l') },\n  run: function () { this.login() },\n};\nexport default function () { api.run() }",
      "const api = {\n  async login() { await http.post('l') },\n  run: async function () { await this.login() },\n};\nexport default async function () { await api.run() }",
    ],
    [
      'class methods, instances, statics and inheritance',
      "class Base {\n  fetch() { return http.get('u') }\n}\nclass Client extends Base {\n  run() { return this.fetch().status }\n  static go() { new Client().run() }\n}\nexport default function () { const c = new Client(); c.run(); Client.go() }",
      "class Base {\n  async fetch() { return await http.get('u') }\n}\nclass Client extends Base {\n  async run() { return (await this.fetch()).status }\n  static async go() { await new Client().run() }\n}\nexport default async function () { const c = new Client(); await c.run(); await Client.go() }",
    ],
    ['a parameter shadowing the import', 'function f(sleep) { sleep(1) }', 'function f(sleep) { sleep(1) }'],
    ['a local shadowing the import', 'function f() { const sleep = () => 1; sleep() }', 'function f() { const sleep = () => 1; sleep() }'],
    ['a non-blocking export', "function f() { check(1, {}); http.del('u') }", "function f() { check(1, {}); http.del('u') }"],
  ])('rewrites %s', (_name, body, expected) => {
    const result = rewriteScript(body);
    expect(result.code).toBe(HEADER + expected);
    expect(result.warnings).toEqual([]);
    expect(result.errors).toEqual([]);
  });

  it.each([
    ['a renamed import', "import { sleep as zz } from 'k6';\nfunction f() { zz(1) }", "import { sleep as zz } from 'k6';\nasync function f() { await zz(1) }"],
    ['a namespace import', "import * as k6 from 'k6';\nconst f = () => { k6.sleep(1) };", "import * as k6 from 'k6';\nconst f = async () => { await k6.sleep(1) };"],
    ['a default import renamed', "import { default as req } from 'k6/http';\nfunction f() { req.get('u') }", "import { default as req } from 'k6/http';\nasync function f() { await req.get('u') }"],
    [
      'a k6/ws connect whose callback does not block',
      "import ws from 'k6/ws';\nexport default function () { ws.connect('u', {}, (socket) => { socket.on('open', () => {}) }) }",
      "import ws from 'k6/ws';\nexport default async function () { await ws.connect('u', {}, (socket) => { socket.on('open', () => {}) }) }",
    ],
    ['a named k6/ws connect', "import { connect } from 'k6/ws';\nexport function run() { connect('u', {}, () => {}) }", "import { connect } from 'k6/ws';\nexport async function run() { await connect('u', {}, () => {}) }"],
    ['a file without k6 imports', "import { sleep } from 'wsk';\nexport default function () { sleep(1) }", "import { sleep } from 'wsk';\nexport default function () { sleep(1) }"],
  ])('rewrites %s', (_name, source, expected) => {
    expect(rewriteFiles({ '/s/main.js': source }, '/s/main.js').code).toBe(expected);
  });

  it('keeps TypeScript types and modifiers in place', () => {
    const source =
      HEADER +
      "class A {\n  private static async ok(): Promise<void> { sleep(1) }\n  public static run(): number { return http.get('u')!.status as number }\n}\nexport default function (): void { A.run() }";
    const expected =
      HEADER +
      "class A {\n  private static async ok(): Promise<void> { await sleep(1) }\n  public static async run(): number { return (await http.get('u'))!.status as number }\n}\nexport default async function (): void { await A.run() }";
    expect(rewriteFiles({ '/s/main.ts': source }, '/s/main.ts').code).toBe(expected);
  });

  it('follows functions across files: named, renamed, default, namespace, re-exported, object members', () => {
    const files = {
      '/s/lib.js':
        "import http from 'k6/http';\nexport function login(u) { return http.post(u).json() }\nexport const api = { get: (u) => http.get(u) };\nexport default function helper() { login('x') }\n",
      '/s/reexport.ts': "export { login as doLogin } from './lib.js';\n",
      '/s/main.js':
        "import helper, { login as signIn, api } from './lib.js';\nimport * as lib from './lib.js';\nimport { doLogin } from './reexport.js';\nexport default function () {\n  signIn('a');\n  api.get('b');\n  helper();\n  lib.login('c');\n  doLogin('d');\n}\n",
    };
    expect(rewriteFiles(files, '/s/main.js').code).toBe(
      "import helper, { login as signIn, api } from './lib.js';\nimport * as lib from './lib.js';\nimport { doLogin } from './reexport.js';\nexport default async function () {\n  await signIn('a');\n  await api.get('b');\n  await helper();\n  await lib.login('c');\n  await doLogin('d');\n}\n",
    );
    expect(rewriteFiles(files, '/s/lib.js').code).toBe(
      "import http from 'k6/http';\nexport async function login(u) { return (await http.post(u)).json() }\nexport const api = { get: async (u) => await http.get(u) };\nexport default async function helper() { await login('x') }\n",
    );
  });

  it('settles import cycles', () => {
    const files = {
      '/s/a.js': "import { sleep } from 'k6';\nimport { b } from './b.js';\nexport function a() { b() }\n",
      '/s/b.js': "import { sleep } from 'k6';\nimport { a } from './a.js';\nexport function b(n) { if (n) a(); sleep(1) }\n",
    };
    const rewriter = new ScriptRewriter({ readFile: (file) => files[file as keyof typeof files] }, table);
    expect(rewriter.rewrite('/s/a.js')?.code).toBe("import { sleep } from 'k6';\nimport { b } from './b.js';\nexport async function a() { await b() }\n");
    expect(rewriter.rewrite('/s/b.js')?.code).toBe("import { sleep } from 'k6';\nimport { a } from './a.js';\nexport async function b(n) { if (n) await a(); await sleep(1) }\n");
  });

  it('warns about blocking calls in callbacks it must not make async, and leaves them alone', () => {
    const body = "export default function () {\n  [1, 2].forEach((n) => sleep(n));\n  check(1, { ok: () => http.get('x').status === 200 });\n}";
    const result = rewriteScript(body);
    expect(result.code).toBe(HEADER + body);
    expect(result.warnings.map(({ line, column, message }) => ({ line, column, message }))).toEqual([
      { line: 4, column: 24, message: 'sleep() inside a callback of forEach cannot pause the VU; use a for…of loop' },
      { line: 5, column: 23, message: 'http.get() inside a callback of check cannot pause the VU; make the call outside the callback' },
    ]);
    expect(result.warnings[0]?.lineText).toBe('  [1, 2].forEach((n) => sleep(n));');
  });

  it('warns when a function the rewrite made async is handed to a call that will not await it (timers do)', () => {
    const body = 'function visit(n) { sleep(n) }\nexport default function (items) { items.forEach(visit); setTimeout(visit, 1); group("g", visit); Promise.resolve().then(visit) }';
    const result = rewriteScript(body);
    expect(result.code).toBe(
      HEADER + 'async function visit(n) { await sleep(n) }\nexport default async function (items) { items.forEach(visit); setTimeout(visit, 1); await group("g", visit); Promise.resolve().then(visit) }',
    );
    expect(result.warnings.map(({ line, column, message }) => ({ line, column, message }))).toEqual([
      { line: 4, column: 48, message: 'visit is async after the k6 auto-await rewrite, so forEach will not wait for it; use a for…of loop' },
    ]);
  });

  it('makes a timer callback that blocks async and awaits in it, without awaiting the timer', () => {
    const result = rewriteScript("import { setInterval } from 'k6/timers';\nexport default function () { setTimeout(() => { sleep(1) }, 5); setInterval(function () { group('g', () => {}) }, 5) }");
    expect(result.code).toBe(
      HEADER + "import { setInterval } from 'k6/timers';\nexport default function () { setTimeout(async () => { await sleep(1) }, 5); setInterval(async function () { await group('g', () => {}) }, 5) }",
    );
    expect(result.warnings).toEqual([]);
  });

  it('awaits inside a callback the user made async, still warning', () => {
    const result = rewriteScript('function f(items) { items.map(async (n) => { sleep(n) }) }');
    expect(result.code).toBe(HEADER + 'function f(items) { items.map(async (n) => { await sleep(n) }) }');
    expect(result.warnings.map((warning) => warning.message)).toEqual(['sleep() inside a callback of map cannot pause the VU; use a for…of loop']);
  });

  it('warns where an await is impossible: generators, constructors, parameters, class fields, untracked functions', () => {
    const body =
      'const gen = function* () { sleep(1) };\nclass A { constructor() { sleep(2) } x = sleep(3) }\nfunction f(p = sleep(4)) {}\nconst handlers = {};\nhandlers.on = function () { sleep(5) };';
    const result = rewriteScript(body);
    expect(result.code).toBe(HEADER + body);
    expect(result.warnings.map(({ line, message }) => `${line}: ${message}`)).toEqual([
      '3: sleep() inside a generator cannot be awaited, so the VU will not pause; call it from a regular function',
      '4: sleep() inside a constructor cannot be awaited, so the VU will not pause; call it from a regular function',
      '4: sleep() in a class field initializer cannot be awaited, so the VU will not pause; call it from a method',
      "5: sleep() in a parameter's default value cannot be awaited, so the VU will not pause; call it in the function body",
      '7: sleep() is in a function whose callers wsk cannot follow, so it cannot be awaited and the VU will not pause; declare the function or bind it to a name',
    ]);
  });

  it('awaits blocking calls at the top level (init code may await) and reports import.meta', () => {
    const body = "sleep(1);\nawait group('g', () => {});\nconst url = import.meta.url;\n";
    const result = rewriteScript(body);
    expect(result.code).toBe(HEADER + "await sleep(1);\nawait group('g', () => {});\nconst url = import.meta.url;\n");
    expect(result.errors.map(({ line, column, message }) => ({ line, column, message }))).toEqual([
      { line: 5, column: 12, message: 'import.meta is not supported: wsk bundles the script and its imports into one function' },
    ]);
  });
});

describe('wsk-style scripts', () => {
  it('are not rewritten; blocking calls whose promise is dropped are reported', () => {
    const source = [
      "import { sleep, group } from 'wsk';",
      'export default async function () {',
      '  sleep(1);',
      '  await sleep(1);',
      '  const p = sleep(2);',
      '  await p;',
      '  const q = sleep(3);',
      "  group('g', async () => {});",
      '  await Promise.all([sleep(1), sleep(2)]);',
      '  void sleep(5);',
      '  sleep(6).then(() => {});',
      '  return sleep(4);',
      '}',
      'export const later = () => sleep(7);',
    ].join('\n');
    const result = rewriteFiles({ '/s/main.ts': source }, '/s/main.ts');
    expect(result.code).toBe(source);
    expect(result.warnings.map(({ line, column, message }) => ({ line, column, message }))).toEqual([
      { line: 3, column: 2, message: 'sleep() returns a promise; write "await sleep(...)" or the VU will not pause' },
      { line: 7, column: 12, message: 'sleep() returns a promise; write "await sleep(...)" or the VU will not pause' },
      { line: 8, column: 2, message: 'group() returns a promise; write "await group(...)" or the VU will not pause' },
    ]);
  });
});
