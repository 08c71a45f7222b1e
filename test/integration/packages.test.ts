import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, wsk } from './harness.js';

describe('npm packages in scripts', () => {
  it('a fake-data generator installed with npm runs in every VU, from the node_modules above the script', async () => {
    const exported = path.join(tmpdir(), `wsk-fake-data-${process.pid}.json`);
    const { code, stderr } = await wsk(['run', 'fake-data.ts', '--quiet', '--summary-export', exported], { cwd: path.join(ROOT, 'test', 'fixtures', 'npm') });
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(exported, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
    expect(summary.metrics['checks']?.values).toMatchObject({ passes: 12, fails: 0 });
    expect(summary.metrics['iterations']?.values['count']).toBe(6);
  });
});
