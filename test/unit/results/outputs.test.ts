import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { checkOutputs, parseOutputs, writeOutputs } from '../../../src/results/outputs.js';
import { RESULTS } from './fixture.js';

function failure(run: () => unknown): { code: string; exitCode: number; message: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof WskError)) throw error;
    return { code: error.code, exitCode: error.exitCode, message: error.message };
  }
  throw new Error('expected a WskError');
}

describe('parseOutputs', () => {
  it('reads every kind of --out', () => {
    expect(
      parseOutputs(['json=results.json', 'csv=out/run1', 'junit=junit.xml', 'markdown= summary.md', 'prometheus', 'json=copy.json']),
    ).toEqual([
      { kind: 'json', path: 'results.json' },
      { kind: 'csv', path: 'out/run1' },
      { kind: 'junit', path: 'junit.xml' },
      { kind: 'markdown', path: 'summary.md' },
      { kind: 'prometheus', host: '127.0.0.1', port: 9464 },
      { kind: 'json', path: 'copy.json' },
    ]);
    expect(parseOutputs(['prometheus=0.0.0.0:9000'])).toEqual([{ kind: 'prometheus', host: '0.0.0.0', port: 9000 }]);
    expect(parseOutputs(['prometheus=[::1]:0'])).toEqual([{ kind: 'prometheus', host: '::1', port: 0 }]);
    expect(parseOutputs([])).toEqual([]);
  });

  const ALLOWED = 'use json=<file>, csv=<prefix>, junit=<file>, markdown=<file> or prometheus[=<host>:<port>]';
  it.each([
    ['xml=a.xml', `--out "xml=a.xml": unknown output "xml"; ${ALLOWED}`],
    ['results.json', `--out "results.json": unknown output "results.json"; ${ALLOWED}`],
    ['json', '--out "json": missing the path; json needs a file, e.g. json=results.json'],
    ['junit=', '--out "junit=": missing the path; junit needs a file, e.g. junit=junit.xml'],
    ['csv= ', '--out "csv= ": missing the path; csv needs a file prefix, e.g. csv=results/run'],
    ['prometheus=9464', '--out "prometheus=9464": "9464" is not <host>:<port>; use e.g. prometheus=127.0.0.1:9464'],
    ['prometheus=localhost:70000', '--out "prometheus=localhost:70000": "localhost:70000" is not <host>:<port>; use e.g. prometheus=127.0.0.1:9464'],
  ])('rejects %j', (value, message) => {
    expect(failure(() => parseOutputs(['json=ok.json', value]))).toEqual({ code: 'INVALID_CLI', exitCode: 104, message });
  });

  it('rejects a second prometheus endpoint', () => {
    expect(failure(() => parseOutputs(['prometheus', 'prometheus=127.0.0.1:9000'])).message).toBe(
      '--out prometheus is given more than once; one endpoint serves every metric',
    );
  });
});

describe('checkOutputs and writeOutputs', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-results-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts writable paths and writes every file atomically, leaving no temporary file', () => {
    mkdirSync(path.join(dir, 'out'));
    const specs = parseOutputs(['json=out/results.json', 'csv=out/run', 'junit=junit.xml', 'markdown=summary.md', 'prometheus']);
    checkOutputs(specs, dir);
    writeOutputs(specs, RESULTS, dir);
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'out', 'summary.md']);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['results.json', 'run_history.csv', 'run_stats.csv']);
    expect(JSON.parse(readFileSync(path.join(dir, 'out/results.json'), 'utf8'))).toEqual(RESULTS);
    expect(readFileSync(path.join(dir, 'out/run_stats.csv'), 'utf8')).toMatch(/^Name,Type,Count/);
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toMatch(/^<\?xml /);
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8')).toMatch(/^## ❌ failed/);
  });

  it('fails before the test when a directory is missing', () => {
    const error = failure(() => checkOutputs(parseOutputs(['csv=missing/run']), dir));
    expect(error).toEqual({
      code: 'IO',
      exitCode: 104,
      message: `--out csv: cannot write "missing/run_stats.csv": directory ${path.join(dir, 'missing')} does not exist`,
    });
  });

  it('fails when a directory is in the way, or two outputs claim one file', () => {
    mkdirSync(path.join(dir, 'results.json'));
    expect(failure(() => checkOutputs(parseOutputs(['json=results.json']), dir)).message).toBe(
      '--out json: cannot write "results.json": it is a directory',
    );
    expect(failure(() => checkOutputs(parseOutputs(['junit=a.xml', 'markdown=./a.xml']), dir)).message).toBe(
      '--out markdown: cannot write "./a.xml": --out junit writes it too; use another path',
    );
  });

  it('writes what it can, then names every file it could not write', () => {
    mkdirSync(path.join(dir, 'taken.xml'));
    const error = failure(() => writeOutputs(parseOutputs(['junit=taken.xml', 'json=results.json']), RESULTS, dir));
    expect(error.code).toBe('IO');
    expect(error.message).toMatch(/^--out junit: cannot write "taken.xml": .*EISDIR/);
    expect(existsSync(path.join(dir, 'results.json'))).toBe(true);
  });
});
