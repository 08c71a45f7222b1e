import { describe, expect, it } from 'vitest';
import { runScript, scriptDir, wsk } from './harness.js';

const TYPO = `export const options = { iterations: 1, treshholds: { checks: ['rate>0.9'] } };\nexport default function () {}`;

describe('one schema for every setting', () => {
  it('a misspelt option is a config error naming it, its source and the closest option: exit 104', async () => {
    const { code, stderr } = await runScript(TYPO);
    expect(code).toBe(104);
    expect(stderr).toBe('ERROR "treshholds" in script options: unknown option; did you mean "thresholds"?\n');
  });

  it('--typecheck catches the same typo in a script typed with Options', async () => {
    const source = `import type { Options } from 'wsk';\n${TYPO.replace('export const options =', 'export const options: Options =')}`;
    const { code, stderr } = await runScript(source, ['--typecheck']);
    expect(code).toBe(107);
    expect(stderr).toMatch(/script\.ts:2:\d+ - error TS2561: .*'treshholds' does not exist in type 'Options'. Did you mean to write 'thresholds'\?/);
  });

  it('k6 options wsk does not act on are accepted', async () => {
    const { code, stderr } = await runScript(
      `export const options = { iterations: 1, summaryTimeUnit: 'ms', noCookiesReset: true, ext: { loadimpact: { name: 'x' } }, discardResponseBodies: true };\nexport default function () {}`,
    );
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
  });

  it('wsk inspect names the source of each setting', async () => {
    const dir = scriptDir({ 'script.ts': `export const options = { vus: 5, duration: '1s', thresholds: { checks: ['rate>0.9'] } };\nexport default function () {}` });
    const { code, stdout } = await wsk(['inspect', 'script.ts', '--vus', '2', '--isolation', 'context'], { cwd: dir });
    expect(code).toBe(0);
    const inspected = JSON.parse(stdout) as { options: Record<string, unknown>; sources: Record<string, string> };
    expect(inspected.options).toMatchObject({ vus: 2, duration: '1s' });
    expect(inspected.sources).toMatchObject({ vus: '--vus', duration: 'script options', thresholds: 'script options', isolation: '--isolation', callTimeoutMs: 'default' });
  });
});
