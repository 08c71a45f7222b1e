/**
 * k6 scripts we wrote from k6's documented API, each beside what k6 does with it
 * (`<name>.expect.json`): its exit code, its check totals, exact values of its metrics, what it
 * prints and the files it writes. Each runs through the real binary, with one worker, against one
 * built-in target (`BASE_URL` is its HTTP API, `WS_URL` its WebSocket echo), in a copy of this
 * folder so data files resolve and the files handleSummary writes land beside it.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startTarget } from '../../src/serve/index.js';
import type { RunningTarget } from '../../src/serve/types.js';
import { wsk } from '../integration/harness.js';

const SCRIPTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts');

interface Expectation {
  /** What k6 does with the script, in a sentence. */
  readonly k6: string;
  readonly exit?: number;
  readonly checks?: { readonly passes: number; readonly fails: number };
  /** Metric name → the summary data's `values` keys that must match exactly. */
  readonly metrics?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Metrics that must not appear at all. */
  readonly absent?: readonly string[];
  /** Text that stdout or stderr contains. */
  readonly output?: readonly string[];
  /** Files (relative to the script's folder) the run writes. */
  readonly files?: readonly string[];
  /** More arguments for `wsk run`. */
  readonly args?: readonly string[];
}

interface SummaryData {
  readonly metrics: Record<string, { readonly values: Record<string, number> }>;
}

const cases = readdirSync(SCRIPTS)
  .filter((file) => /\.[jt]s$/.test(file) && existsSync(path.join(SCRIPTS, expectationFile(file))))
  .sort();

function expectationFile(script: string): string {
  return script.replace(/\.[jt]s$/, '.expect.json');
}

let target: RunningTarget;

beforeAll(async () => {
  target = await startTarget('echo');
});

afterAll(async () => {
  await target?.close();
});

describe('k6 scripts run unchanged and do what k6 does', () => {
  it('has the scripts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1);
  });

  it.each(cases)('%s', async (script) => {
    const expected = JSON.parse(readFileSync(path.join(SCRIPTS, expectationFile(script)), 'utf8')) as Expectation;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-compat-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(SCRIPTS, dir, { recursive: true });
    const wsUrl = `${target.url}/`;
    const baseUrl = target.url.replace(/^ws/, 'http');
    const { code, stdout, stderr } = await wsk(
      ['run', '--workers', '1', '--no-color', script, '-e', `BASE_URL=${baseUrl}`, '-e', `WS_URL=${wsUrl}`, '--summary-export', '.compat-summary.json', ...(expected.args ?? [])],
      { cwd: dir },
    );
    const printed = `${stdout}\n${stderr}`;
    const context = `${script} (exit ${String(code)}):\n${printed}`;
    expect(code, context).toBe(expected.exit ?? 0);
    for (const text of expected.output ?? []) expect(printed, context).toContain(text);
    for (const file of expected.files ?? []) expect(existsSync(path.join(dir, file)), `${script} writes ${file}`).toBe(true);
    if (expected.checks === undefined && expected.metrics === undefined && expected.absent === undefined) return;
    const summary = JSON.parse(readFileSync(path.join(dir, '.compat-summary.json'), 'utf8')) as SummaryData;
    if (expected.checks !== undefined) {
      const checks = summary.metrics.checks?.values;
      expect({ passes: checks?.passes ?? 0, fails: checks?.fails ?? 0 }, context).toEqual(expected.checks);
    }
    for (const [name, values] of Object.entries(expected.metrics ?? {})) {
      const actual = summary.metrics[name]?.values;
      expect(actual, `${script}: metric ${name}`).toBeDefined();
      for (const [key, value] of Object.entries(values)) expect(actual?.[key], `${script}: ${name}.${key}`).toBe(value);
    }
    for (const name of expected.absent ?? []) expect(summary.metrics[name], `${script}: metric ${name} is absent`).toBeUndefined();
  });
});
