// The config file and the other sources of settings: positions in every error, ${VAR} from the
// environment and an --env-file, profiles, and k6's precedence.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliFlags } from '../../../src/cli/flags.js';
import { readConfigFile } from '../../../src/options/config-file.js';
import { defaultsLayer, mergeLayers, optionsOf, overridesLayer, profileLayer, scriptLayer, sourcesOf, withoutProfiles } from '../../../src/options/layers.js';
import { resolveSettings } from '../../../src/options/sources.js';
import { thrownWskError } from '../wsk-error.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function folder(files: Record<string, string>): string {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-config-'));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
  return dir;
}


const CONFIG = [
  '# the team\'s settings',
  'vus: ${VUS:-5}',
  'duration: 30s',
  'thresholds:',
  "  checks: ['rate>0.99']",
  'out: [json=results.json]',
  'env:',
  '  TARGET: ${TARGET_URL:-ws://127.0.0.1:8080}',
  '  REGION: eu',
  'profiles:',
  '  load:',
  '    vus: 50',
  '    duration: 5m',
  '    thresholds:',
  "      checks: ['rate>0.999']",
  '    report: load.html',
].join('\n');

describe('the config file', () => {
  it('holds options, run settings, env and profiles, each value with its file:line:col', () => {
    const cwd = folder({ 'wsk.yaml': CONFIG });
    const config = readConfigFile(path.join(cwd, 'wsk.yaml'), cwd, {});
    expect(config.options).toEqual({
      vus: { value: 5, source: 'wsk.yaml:2:1' },
      duration: { value: '30s', source: 'wsk.yaml:3:1' },
      thresholds: { value: { checks: ['rate>0.99'] }, source: 'wsk.yaml:4:1' },
    });
    expect(config.run).toEqual({ out: { value: ['json=results.json'], source: 'wsk.yaml:6:1' } });
    expect(config.env).toEqual({ TARGET: 'ws://127.0.0.1:8080', REGION: 'eu' });
    expect(config.profiles['load']?.options['vus']).toEqual({ value: 50, source: 'wsk.yaml:12:5 (profile load)' });
    expect(config.profiles['load']?.run['report']).toEqual({ value: 'load.html', source: 'wsk.yaml:16:5 (profile load)' });
  });

  it('takes ${VAR} from the variables it is given; an unquoted one is read as YAML, so numbers stay numbers', () => {
    const cwd = folder({ 'wsk.yaml': CONFIG });
    const config = readConfigFile(path.join(cwd, 'wsk.yaml'), cwd, { VUS: '12', TARGET_URL: 'wss://127.0.0.1:9443/chat' });
    expect(config.options['vus']?.value).toBe(12);
    expect(config.env['TARGET']).toBe('wss://127.0.0.1:9443/chat');
  });

  it('refuses bad input with one line naming the place: malformed YAML, an unknown key, a missing variable', () => {
    const malformed = folder({ 'wsk.yaml': 'vus: 5\nthresholds:\n  checks: [rate>0.9\nduration: 1m\n' });
    const error = thrownWskError(() => readConfigFile(path.join(malformed, 'wsk.yaml'), malformed, {}));
    expect(error.exitCode).toBe(104);
    expect(error.message).toMatch(/^wsk\.yaml:\d+:\d+: .*(flow|\])/i);
    expect(error.message).not.toContain('\n');
    rmSync(malformed, { recursive: true });

    const typo = folder({ 'wsk.yaml': 'vus: 5\ntreshholds:\n  checks: [rate>0.9]\n' });
    expect(thrownWskError(() => readConfigFile(path.join(typo, 'wsk.yaml'), typo, {})).message).toBe(
      '"treshholds" in the config file (wsk.yaml:2:1): unknown option; did you mean "thresholds"?',
    );
    rmSync(typo, { recursive: true });

    const inProfile = folder({ 'wsk.yaml': 'profiles:\n  smoke:\n    vu: 1\n' });
    expect(thrownWskError(() => readConfigFile(path.join(inProfile, 'wsk.yaml'), inProfile, {})).message).toBe(
      '"vu" in profile "smoke" (wsk.yaml:3:5): unknown option; did you mean "vus"?',
    );
    rmSync(inProfile, { recursive: true });

    const missing = folder({ 'wsk.yaml': 'env:\n  TOKEN: Bearer ${API_TOKEN}\n' });
    expect(thrownWskError(() => readConfigFile(path.join(missing, 'wsk.yaml'), missing, {})).message).toBe(
      'wsk.yaml:2:10: ${API_TOKEN} is not set; set API_TOKEN in the environment or an --env-file, or give a default: ${API_TOKEN:-value}',
    );
  });

  it('may be JSON, with the same positions', () => {
    const cwd = folder({ 'wsk.json': '{\n  "vus": 3,\n  "iterations": 9\n}\n' });
    expect(readConfigFile(path.join(cwd, 'wsk.json'), cwd, {}).options).toEqual({
      vus: { value: 3, source: 'wsk.json:2:3' },
      iterations: { value: 9, source: 'wsk.json:3:3' },
    });
  });
});

describe('the sources of a run\'s settings', () => {
  it('are found beside the script, with --env-file variables in ${VAR} and the environment over both', () => {
    const cwd = folder({ 'wsk.yaml': CONFIG, '.env': 'VUS=7\nTARGET_URL=ws://127.0.0.1:7000\n', 'script.ts': '' });
    const settings = resolveSettings({ script: 'script.ts', cwd, flags: { envFile: '.env', out: [], stage: [] }, env: { TARGET_URL: 'ws://127.0.0.1:7100' } });
    expect(settings.config?.options['vus']?.value).toBe(7);
    expect(settings.baseEnv).toEqual({ TARGET: 'ws://127.0.0.1:7100', REGION: 'eu', VUS: '7', TARGET_URL: 'ws://127.0.0.1:7000' });
    expect(settings.flags['out']).toEqual(['json=results.json']);
    expect(settings.sources['out']).toBe('wsk.yaml:6:1');
  });

  it('give run settings in k6\'s order: config file < profile < WSK_*/K6_* < flags', () => {
    const cwd = folder({ 'wsk.yaml': CONFIG, 'script.ts': '' });
    const resolve = (flags: Record<string, unknown>, env: Record<string, string>) => resolveSettings({ script: 'script.ts', cwd, flags: { out: [], stage: [], ...flags }, env });
    expect(resolve({ profile: 'load' }, {}).flags['report']).toBe('load.html');
    const fromEnv = resolve({ profile: 'load' }, { WSK_REPORT: 'env.html', K6_VUS: '9', K6_OUT: 'json=a.json,junit=b.xml' });
    expect([fromEnv.flags['report'], fromEnv.sources['report'], fromEnv.flags['vus'], fromEnv.sources['vus'], fromEnv.flags['out']]).toEqual([
      'env.html',
      'WSK_REPORT',
      '9',
      'K6_VUS',
      ['json=a.json', 'junit=b.xml'],
    ]);
    const fromFlag = resolve({ profile: 'load', report: 'flag.html' }, { WSK_REPORT: 'env.html', WSK_PROFILE: 'smoke' });
    expect([fromFlag.flags['report'], fromFlag.sources['report'], fromFlag.profile]).toEqual(['flag.html', '--report', 'load']);
  });

  it('name their source when a value is bad', () => {
    const cwd = folder({ 'wsk.yaml': 'bucket: 1s\n', 'bad.yaml': 'bucket: 10ms\n', 'script.ts': '' });
    const settings = resolveSettings({ script: 'script.ts', cwd, flags: { out: [], stage: [] }, env: { WSK_WORKERS: 'many' } });
    expect(thrownWskError(() => parseCliFlags(settings.flags, {}, false, settings.sources)).message).toBe(
      'WSK_WORKERS: invalid value "many"; expected a whole number >= 1',
    );
    const bucket = resolveSettings({ script: 'script.ts', cwd, flags: { config: 'bad.yaml', out: [], stage: [] }, env: {} });
    expect(thrownWskError(() => parseCliFlags(bucket.flags, {}, false, bucket.sources)).message).toBe(
      'bucket in bad.yaml:1:1: invalid value "10ms"; expected a duration of 100ms or more, e.g. "5s"',
    );
    expect(thrownWskError(() => resolveSettings({ script: 'script.ts', cwd, flags: { envFile: 'missing.env' }, env: {} })).message).toMatch(/^--env-file: cannot read "missing\.env"/);
  });
});

describe('layers', () => {
  it('the chosen profile sits over the script and under the command line, thresholds included', () => {
    const cwd = folder({ 'wsk.yaml': CONFIG });
    const config = readConfigFile(path.join(cwd, 'wsk.yaml'), cwd, {});
    const script = scriptLayer({ vus: 2, duration: '10s', thresholds: { checks: ['rate>0.9'] }, profiles: { smoke: { vus: 1, iterations: 1 } } });
    const configLayers = { name: config.name, options: config.options, profiles: { load: config.profiles['load']!.options } };
    const merged = (profile: string | undefined, overrides = {}) =>
      mergeLayers([defaultsLayer(), config.options, withoutProfiles(script), profileLayer(profile, configLayers, script), overridesLayer(overrides)]);

    expect(optionsOf(merged(undefined))).toMatchObject({ vus: 2, duration: '10s', thresholds: { checks: ['rate>0.9'] } });
    const load = merged('load', { vus: 60 });
    expect(optionsOf(load)).toMatchObject({ vus: 60, duration: '5m', thresholds: { checks: ['rate>0.999'] } });
    expect(sourcesOf(load)).toMatchObject({ vus: '--vus', duration: 'wsk.yaml:13:5 (profile load)', thresholds: 'wsk.yaml:14:5 (profile load)' });
    expect(optionsOf(merged('smoke'))).toMatchObject({ vus: 1, iterations: 1 });
    expect(optionsOf(merged('smoke'))).not.toHaveProperty('duration');
    expect(thrownWskError(() => merged('stress')).message).toBe('--profile "stress": no such profile; the profiles are load (wsk.yaml), smoke (script options)');
  });
});
