import { describe, expect, it } from 'vitest';
import { runScript, scriptDir, wsk } from './harness.js';

/** A user error is one line (plus, for syntax errors, the source line and a caret), never a stack trace. */
function expectNoStack(stderr: string): void {
  expect(stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  expect(stderr).not.toContain('internal error');
}

describe('bad input gets a clear error and the right exit code', () => {
  it.each([
    ['negative VUs', `export const options = { vus: -1, duration: '1s' };`, /vus.*-1/],
    ['an unknown executor', `export const options = { scenarios: { main: { executor: 'const-vus', vus: 1, duration: '1s' } } };`, /"const-vus".*constant-vus/],
    ['a malformed duration', `export const options = { vus: 1, duration: '10x' };`, /"10x"/],
    ['a stage with no duration', `export const options = { stages: [{ target: 5 }] };`, /stages\[0\].*duration/],
    ['a threshold on an unknown metric', `export const options = { thresholds: { http_req_durtion: ['p(95)<1'] } };`, /http_req_durtion/],
    ['a malformed threshold', `export const options = { thresholds: { iteration_duration: ['p(95)<<500'] } };`, /"p\(95\)<<500"/],
  ])('%s: exit 104', async (_name, optionsLine, message) => {
    const { code, stderr } = await runScript(`${optionsLine}\nexport default function () {}`);
    expect(code).toBe(104);
    expect(stderr).toMatch(message);
    expectNoStack(stderr);
  });

  it('an unknown CLI flag: exit 104', async () => {
    const { code, stderr } = await wsk(['run', '--vuz', '3', 'script.ts']);
    expect(code).toBe(104);
    expect(stderr).toMatch(/unknown option '--vuz'/);
  });

  it('a bad flag value: exit 104', async () => {
    const dir = scriptDir({ 'script.ts': 'export default function () {}' });
    const { code, stderr } = await wsk(['run', 'script.ts', '--vus', 'many'], { cwd: dir });
    expect(code).toBe(104);
    expect(stderr).toMatch(/--vus: invalid value "many"/);
  });

  it('a missing script: exit 104', async () => {
    const dir = scriptDir({});
    const { code, stderr } = await wsk(['run', 'nope.ts'], { cwd: dir });
    expect(code).toBe(104);
    expect(stderr).toMatch(/"nope\.ts" not found/);
    expectNoStack(stderr);
  });

  it('a script with no default export: exit 107', async () => {
    const { code, stderr } = await runScript(`export const options = { iterations: 1 };`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/no default export/);
    expectNoStack(stderr);
  });

  it('a scenario exec naming a missing function: exit 104', async () => {
    const { code, stderr } = await runScript(
      `export const options = { scenarios: { a: { executor: 'per-vu-iterations', exec: 'nothere' } } };\nexport default function () {}`,
    );
    expect(code).toBe(104);
    expect(stderr).toMatch(/options\.scenarios\.a\.exec.*"nothere".*default/);
  });

  it('a syntax error: exit 107 with file:line:col and the offending line, before any VU starts', async () => {
    const { code, stderr } = await runScript(`export default function () {\n  const x = ;\n}`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/script\.ts:2:\d+: /);
    expect(stderr).toContain('const x = ;');
    expect(stderr).not.toContain('initialising');
  });

  it('an import of a module wsk does not have: exit 107 naming it', async () => {
    const { code, stderr } = await runScript(`import { chromium } from 'k6/browser';\nexport default function () { chromium; }`);
    expect(code).toBe(107);
    expect(stderr).toMatch(/k6\/browser/);
  });

  it('a k6 export wsk lacks: exit 107 before any VU starts, naming it and where the script uses it, in both isolation levels', async () => {
    for (const isolation of ['compartment', 'context']) {
      const named = await runScript(`import { get, OCSP_STATUS_GOOD, OCSP_REASON_UNSPECIFIED } from 'k6/http';\nexport default function () { get; OCSP_STATUS_GOOD; }`, ['--isolation', isolation], 'script.js');
      expect(named.code).toBe(107);
      expect(named.stderr).toBe(
        'ERROR script.js:1:15: k6/http has no export "OCSP_STATUS_GOOD" in wsk; see "Coming from k6" in wsk\'s README for what is supported\n' +
          'script.js:1:33: k6/http has no export "OCSP_REASON_UNSPECIFIED" in wsk; see "Coming from k6" in wsk\'s README for what is supported\n',
      );
      const member = await runScript(`import http from 'k6/http';\nexport default function () {\n  http.get('http://127.0.0.1:9/');\n  if (http.OCSP_STATUS_GOOD) {}\n}`, ['--isolation', isolation], 'script.js');
      expect(member.code).toBe(107);
      expect(member.stderr).toMatch(/^ERROR script\.js:4:12: http\.OCSP_STATUS_GOOD \(k6\/http\) is not supported by wsk; .*\n$/);
    }
  });

  it('--typecheck stops on a type error with its position', async () => {
    const { code, stderr } = await runScript(`import { sleep } from 'wsk';\nexport default async function () { await sleep('1'); }`, ['--typecheck']);
    expect(code).toBe(107);
    expect(stderr).toMatch(/script\.ts:2:\d+ - error TS2345/);
  });
});

describe('output files', () => {
  it.each([
    ['a missing directory', 'no/such/dir/summary.json', /--summary-export: cannot write "no\/such\/dir\/summary\.json": directory .* does not exist/],
    ['a directory', '.', /--summary-export: cannot write "\.": it is a directory/],
  ])('--summary-export into %s fails before the test starts: exit 104', async (_name, target, message) => {
    const { code, stderr } = await runScript(`export default function () {}`, ['--summary-export', target]);
    expect(code).toBe(104);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain('initialising');
  });
});
