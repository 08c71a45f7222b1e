/**
 * The `--out` flag, repeatable: which file outputs a run writes, checked before the test starts
 * and written atomically at its end.
 *
 *   --out json=<file>         the results (types.ts)
 *   --out csv=<prefix>        <prefix>_stats.csv, <prefix>_history.csv and <prefix>_failures.csv
 *   --out junit=<file>        thresholds and checks as JUnit test cases
 *   --out markdown=<file>     a summary for a pull-request comment
 *   --out prometheus[=<host>:<port>]   a /metrics endpoint during the run (served elsewhere), default 127.0.0.1:9464
 */
import path from 'node:path';
import { configError, quote, type WskError } from '../errors.js';
import { checkWritable } from '../run/results.js';
import { writeAtomically } from '../write-atomically.js';
import { csvFailuresFile, csvFiles, failuresCsv, historyCsv, statsCsv } from './csv.js';
import { resultsJson } from './json.js';
import { resultsJunit } from './junit.js';
import { resultsMarkdown } from './markdown.js';
import type { RunResults } from './types.js';

export type FileOutputKind = 'json' | 'csv' | 'junit' | 'markdown';

export type OutputSpec = FileOutputSpec | { readonly kind: 'prometheus'; readonly host: string; readonly port: number };

export interface FileOutputSpec {
  readonly kind: FileOutputKind;
  /** A file, or for csv the prefix of its two files. */
  readonly path: string;
}

export const DEFAULT_PROMETHEUS = { host: '127.0.0.1', port: 9464 } as const;

const FILE_KINDS: ReadonlySet<string> = new Set<FileOutputKind>(['json', 'csv', 'junit', 'markdown']);
const ALLOWED = 'use json=<file>, csv=<prefix>, junit=<file>, markdown=<file> or prometheus[=<host>:<port>]';
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):(\d{1,5})$/;

/** Throws WskError 'INVALID_CLI' naming the first bad value and where it came from (`--out`, `WSK_OUT`, `out in wsk.yaml:3:1`). */
export function parseOutputs(values: readonly string[], where = '--out'): OutputSpec[] {
  const specs = values.map((value) => parseOutput(value, where));
  if (specs.filter((spec) => spec.kind === 'prometheus').length > 1) {
    throw invalid(`${where} prometheus is given more than once; one endpoint serves every metric`);
  }
  return specs;
}

function parseOutput(value: string, where: string): OutputSpec {
  const equals = value.indexOf('=');
  const kind = (equals === -1 ? value : value.slice(0, equals)).trim();
  const argument = equals === -1 ? undefined : value.slice(equals + 1).trim();
  if (kind === 'prometheus') {
    if (argument === undefined) return { kind, ...DEFAULT_PROMETHEUS };
    const match = HOST_PORT.exec(argument);
    const port = Number(match?.[2]);
    if (match?.[1] === undefined || !(port <= 65535)) {
      throw invalid(`${where} ${quote(value)}: ${quote(argument)} is not <host>:<port>; use e.g. prometheus=127.0.0.1:9464`);
    }
    return { kind, host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
  }
  if (!FILE_KINDS.has(kind)) throw invalid(`${where} ${quote(value)}: unknown output ${quote(kind)}; ${ALLOWED}`);
  if (argument === undefined || argument === '') {
    const what = kind === 'csv' ? 'a file prefix, e.g. csv=results/run' : `a file, e.g. ${kind}=${EXAMPLE_FILE[kind as FileOutputKind]}`;
    throw invalid(`${where} ${quote(value)}: missing the path; ${kind} needs ${what}`);
  }
  return { kind: kind as FileOutputKind, path: argument };
}

const EXAMPLE_FILE: Readonly<Record<FileOutputKind, string>> = {
  json: 'results.json',
  csv: 'results',
  junit: 'junit.xml',
  markdown: 'summary.md',
};

/** The files an output writes, with what goes in each (nothing is written for undefined). */
export function filesOf(spec: OutputSpec): { file: string; render: (results: RunResults) => string | undefined }[] {
  switch (spec.kind) {
    case 'json':
      return [{ file: spec.path, render: resultsJson }];
    case 'junit':
      return [{ file: spec.path, render: resultsJunit }];
    case 'markdown':
      return [{ file: spec.path, render: resultsMarkdown }];
    case 'csv': {
      const { stats, history } = csvFiles(spec.path);
      return [
        { file: stats, render: statsCsv },
        { file: history, render: historyCsv },
        { file: csvFailuresFile(spec.path), render: failuresCsv },
      ];
    }
    case 'prometheus':
      return [];
  }
}

/**
 * Fails before the test starts when an output could not be written at its end: a missing
 * directory, an unwritable file or directory, a directory in the way, or two outputs on one file.
 */
export function checkOutputs(specs: readonly OutputSpec[], cwd: string): void {
  const claimed = new Map<string, string>();
  for (const spec of specs) {
    for (const { file } of filesOf(spec)) {
      const flag = `--out ${spec.kind}`;
      const resolved = path.resolve(cwd, file);
      const other = claimed.get(resolved);
      if (other !== undefined) throw configError('IO', `${flag}: cannot write ${quote(file)}: ${other} writes it too; use another path`);
      claimed.set(resolved, flag);
      checkWritable(file, cwd, flag);
    }
  }
}

/**
 * Writes every file output, each atomically (temporary file, then rename). Tries them all, then
 * throws WskError 'IO' naming every file that could not be written.
 */
export function writeOutputs(specs: readonly OutputSpec[], results: RunResults, cwd: string): void {
  const failures: string[] = [];
  for (const spec of specs) {
    const failed = writeOutputFiles(spec, results, cwd);
    if (failed !== '') failures.push(`--out ${spec.kind}: ${failed}`);
  }
  if (failures.length > 0) throw configError('IO', failures.join('; '));
}

/** Writes each file of one output, trying them all; '' when all were written, else why not ("cannot write ..."; ...). */
export function writeOutputFiles(spec: OutputSpec, results: RunResults, cwd: string): string {
  const failures: string[] = [];
  for (const { file, render } of filesOf(spec)) {
    try {
      const content = render(results);
      if (content !== undefined) writeAtomically(path.resolve(cwd, file), content);
    } catch (error) {
      failures.push(`cannot write ${quote(file)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures.join('; ');
}

function invalid(message: string): WskError {
  return configError('INVALID_CLI', message);
}
