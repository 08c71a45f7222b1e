// A team's load-test folder: one script, a wsk.yaml with profiles, an .env file and weighted
// kinds of users, run as CI would run it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptDir, wsk } from './harness.js';

const SCRIPT = `
import { check } from 'wsk';
import { Counter } from 'wsk/metrics';
const visits = new Counter('visits');
export const options = {
  scenarios: {
    browse: { weight: 7, exec: 'browse', tags: { kind: 'reader' } },
    buy: { weight: 2, exec: 'buy', tags: { kind: 'buyer' } },
    admin: { weight: 1, exec: 'admin', tags: { kind: 'staff' } },
  },
  profiles: { quick: { iterations: 10 } },
};
function visit(who: string) {
  visits.add(1, { who });
  check(__ENV.TARGET, { 'the target comes from wsk.yaml': (t) => t === 'ws://127.0.0.1:7000/chat' });
  check(__ENV.API_TOKEN, { 'the token comes from .env': (t) => t === 'secret' });
}
export function browse() { visit('browse'); }
export function buy() { visit('buy'); }
export function admin() { visit('admin'); }
`;

const CONFIG = `
vus: 10
iterations: 20
env:
  TARGET: \${TARGET_URL:-ws://127.0.0.1:7000}/chat
thresholds:
  checks: ['rate==1']
profiles:
  smoke:
    vus: 10
    iterations: 10
  load:
    vus: 20
    iterations: 200
    thresholds:
      checks: ['rate==1']
      visits: ['count>=200']
`;

function team(extra: Record<string, string> = {}): string {
  return scriptDir({ 'script.ts': SCRIPT, 'wsk.yaml': CONFIG, '.env': 'API_TOKEN=secret\n', ...extra });
}

interface Summary {
  metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
}

function summary(dir: string): Summary {
  return JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
}

describe('a team folder with wsk.yaml, profiles and an .env file', () => {
  it('runs the load profile: the config file, the profile, the .env file and the weights all apply', async () => {
    const dir = team();
    const { code, stderr } = await wsk(['run', 'script.ts', '--quiet', '--profile', 'load', '--env-file', '.env', '--summary-export', 'summary.json'], { cwd: dir });
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    const { metrics } = summary(dir);
    expect(metrics['iterations']?.values['count']).toBe(200);
    expect(metrics['visits']?.thresholds).toEqual({ 'count>=200': { ok: true } });
    expect(metrics['checks']?.values).toMatchObject({ fails: 0, passes: 400 });
  });

  it('inspect shows each setting with where it came from, and the weighted shares', async () => {
    const dir = team();
    const { code, stdout } = await wsk(['inspect', 'script.ts', '--profile', 'load', '--env-file', '.env'], { cwd: dir, env: { WSK_VUS: '30' } });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout) as { sources: Record<string, string>; scenarios: { name: string; vus: number; iterations: number }[] };
    expect(plan.sources).toMatchObject({ vus: 'WSK_VUS', iterations: 'wsk.yaml:14:5 (profile load)', thresholds: 'wsk.yaml:15:5 (profile load)', scenarios: 'script options' });
    expect(plan.scenarios.map((s) => [s.name, s.vus, s.iterations])).toEqual([
      ['browse', 21, 140],
      ['buy', 6, 40],
      ['admin', 3, 20],
    ]);
  });

  it('runs a profile of the script itself, and only the selected kinds of users', async () => {
    const dir = team();
    const { code, stderr } = await wsk(['run', 'script.ts', '--quiet', '-p', 'quick', '--env-file', '.env', '--tags', 'reader,buyer', '--summary-export', 'summary.json'], { cwd: dir });
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(summary(dir).metrics['iterations']?.values['count']).toBe(10);
  });

  it('refuses bad input before the test starts, with one line and exit 104', async () => {
    const cases: [string[], Record<string, string>, Record<string, string>, RegExp][] = [
      [['--profile', 'stress'], {}, {}, /^ERROR --profile "stress": no such profile; the profiles are smoke \(wsk\.yaml\), load \(wsk\.yaml\), quick \(script options\)$/],
      [[], { 'wsk.yaml': 'vus: 10\niterations: [20\n' }, {}, /^ERROR wsk\.yaml:\d+:\d+: /],
      [[], { 'wsk.yaml': 'vus: 10\niteratoins: 20\n' }, {}, /^ERROR "iteratoins" in the config file \(wsk\.yaml:2:1\): unknown option; did you mean "iterations"\?$/],
      [[], { 'wsk.yaml': 'vus: 10\niterations: 20\nenv:\n  T: ${NOT_SET_ANYWHERE}\n' }, {}, /^ERROR wsk\.yaml:4:6: \$\{NOT_SET_ANYWHERE\} is not set/],
      [['--vus', '3'], {}, {}, /^ERROR options\.scenarios\.admin: weight 1 gets no VU of the 3 VUs \(weights 7\/2\/1\); use more VUs \(at least 6\) or other weights$/],
      [['--scenario', 'checkout'], {}, {}, /^ERROR --scenario "checkout": no such scenario; the scenarios are browse, buy, admin$/],
      [[], {}, { K6_ITERATIONS: 'lots' }, /^ERROR K6_ITERATIONS: invalid value "lots"; expected a whole number >= 1$/],
    ];
    for (const [flags, files, env, message] of cases) {
      const dir = team(files);
      const { code, stderr } = await wsk(['run', 'script.ts', '--quiet', ...flags], { cwd: dir, env });
      expect(stderr.trim().split('\n').filter((line) => !line.startsWith('WARN'))).toHaveLength(1);
      expect(stderr.trim()).toMatch(message);
      expect(code).toBe(104);
    }
  });
});
