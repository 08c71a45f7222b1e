import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIo } from '../../../src/io.js';
import { reportCommand } from '../../../src/report/command.js';
import { fixtureResults } from './fixture.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-report-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function report(input: string, output: string): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd: dir });
  const code = await reportCommand(input, output, io);
  return { code, out: io.out(), err: io.err() };
}

function write(name: string, content: unknown): void {
  writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
}

describe('wsk report', () => {
  it('renders a results file to HTML, atomically, and names the file it wrote', async () => {
    write('results.json', fixtureResults());
    expect(await report('results.json', 'report.html')).toEqual({ code: 0, out: 'wrote the report of results.json to report.html\n', err: '' });
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toMatch(/^<!doctype html>[\s\S]*data-verdict="failed"/);
    // No temporary file is left beside it.
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'results.json']);
  });

  it.each([
    ['a missing file', 'missing.json', undefined, 'wsk report: cannot read "missing.json": no such file'],
    ['a directory', 'folder', 'mkdir', 'wsk report: cannot read "folder": it is a directory'],
    [
      'a file that is not JSON',
      'bad.json',
      '{"format": ',
      'wsk report: "bad.json" is not JSON (Unexpected end of JSON input); expected a results file from --out json=FILE',
    ],
    [
      'JSON that is not an object',
      'list.json',
      '[1, 2]',
      'wsk report: "list.json" is not a wsk-results/1 results file: it holds a list, not an object; write one with --out json=FILE',
    ],
    [
      'a k6 summary export (no format)',
      'summary.json',
      '{"metrics": {}, "root_group": {}}',
      'wsk report: "summary.json" is not a wsk-results/1 results file: it has no "format"; write one with --out json=FILE',
    ],
    [
      'another format',
      'other.json',
      '{"format": "wsk-results/2"}',
      'wsk report: "other.json" is not a wsk-results/1 results file: its "format" is "wsk-results/2"; write one with --out json=FILE',
    ],
  ])('fails with one line and exit 104 on %s', async (_, input, content, message) => {
    if (content === 'mkdir') mkdirSync(path.join(dir, input));
    else if (content !== undefined) write(input, content);
    expect(await report(input, 'report.html')).toEqual({ code: 104, out: '', err: `ERROR ${message}\n` });
    expect(existsSync(path.join(dir, 'report.html'))).toBe(false);
  });

  it.each([
    ['a threshold without its outcome', (json: Record<string, unknown>) => delete (json['thresholds'] as Record<string, unknown>[])[1]?.['ok'], '"thresholds[1]" is invalid'],
    ['a metric of an unknown type', (json: Record<string, unknown>) => ((json['metrics'] as Record<string, Record<string, unknown>>)['vus']!['type'] = 'histogram'), '"metrics["vus"]" is invalid'],
    ['no checks', (json: Record<string, unknown>) => delete json['checks'], '"checks" is missing or not a list'],
    ['a zero bucket length', (json: Record<string, unknown>) => ((json['timeSeries'] as Record<string, unknown>)['bucketMs'] = 0), '"timeSeries.bucketMs" must be a positive number'],
    [
      'a series without its column',
      (json: Record<string, unknown>) => delete ((json['timeSeries'] as Record<string, unknown>)['series'] as Record<string, unknown>[])[3]?.['sum'],
      '"timeSeries.series[3].sum" must be a list of numbers and nulls',
    ],
  ])('names what is wrong in a damaged results file: %s', async (_, damage, problem) => {
    const json = JSON.parse(JSON.stringify(fixtureResults())) as Record<string, unknown>;
    damage(json);
    write('results.json', json);
    expect(await report('results.json', 'report.html')).toEqual({
      code: 104,
      out: '',
      err: `ERROR wsk report: "results.json" is not a wsk-results/1 results file: ${problem}; write one with --out json=FILE\n`,
    });
  });

  it('fails with one line and exit 104 when the output cannot be written, before writing anything', async () => {
    write('results.json', fixtureResults());
    expect(await report('results.json', 'nowhere/report.html')).toEqual({
      code: 104,
      out: '',
      err: `ERROR wsk report -o: cannot write "nowhere/report.html": directory ${path.join(dir, 'nowhere')} does not exist\n`,
    });
    mkdirSync(path.join(dir, 'taken'));
    expect(await report('results.json', 'taken')).toEqual({ code: 104, out: '', err: 'ERROR wsk report -o: cannot write "taken": it is a directory\n' });
    expect(readdirSync(dir).sort()).toEqual(['results.json', 'taken']);
  });
});
