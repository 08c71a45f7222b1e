import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fleetWarning, openFilesLimit, OWN_FILES } from '../../../src/net/open-files.js';

describe('the open-files limit', () => {
  it("is the one the process has, as a child's shell reports it", () => {
    // A child inherits the limit; Node raised the soft one to the hard one as it started.
    const shell = spawnSync('bash', ['-c', 'ulimit -n'], { encoding: 'utf8' });
    expect(openFilesLimit()).toBe(Number(shell.stdout.trim()));
  });

  it('warns when the VUs and wsk would need more files than the limit', () => {
    expect(fleetWarning(1_000, 20_000)).toBeUndefined();
    expect(fleetWarning(20_000 - OWN_FILES, 20_000)).toBeUndefined();
    const warning = fleetWarning(50_000, 20_000);
    expect(warning).toMatch(/^50000 VUs may need more open files than this process may hold: it may hold 20000 \(`ulimit -Hn`\)/);
    expect(warning).toContain('error open_files');
    expect(warning).not.toContain('\n');
    expect(fleetWarning(50_000, undefined)).toBeUndefined();
  });
});
