import { describe, expect, it } from 'vitest';
import { parseCliFlags, parseEnvPair, parseStage } from '../../../src/cli/flags.js';
import { bareDashboardLast } from '../../../src/cli/main.js';

describe('CLI flag parsing', () => {
  it('parses stages and env pairs', () => {
    expect(parseStage('30s:50')).toEqual({ duration: '30s', target: 50 });
    expect(parseEnvPair('TOKEN=a=b')).toEqual(['TOKEN', 'a=b']);
    expect(parseEnvPair('EMPTY=')).toEqual(['EMPTY', '']);
  });

  it.each([
    [() => parseStage('30s'), '--stage: invalid value "30s"; expected <duration>:<target VUs>, e.g. "30s:50"'],
    [() => parseStage('10x:5'), /--stage: invalid duration "10x"/],
    [() => parseEnvPair('=x'), '--env: invalid value "=x"; expected KEY=VALUE with KEY made of letters, digits and _'],
    [() => parseCliFlags({ vus: '-2' }, {}), '--vus: invalid value "-2"; expected a whole number >= 0'],
    [() => parseCliFlags({ iterations: '0' }, {}), '--iterations: invalid value "0"; expected a whole number >= 1'],
    [() => parseCliFlags({ workers: '1.5' }, {}), '--workers: invalid value "1.5"; expected a whole number >= 1'],
    [() => parseCliFlags({ duration: 'soon' }, {}), /--duration: invalid duration "soon"/],
    [() => parseCliFlags({ summaryMode: 'verbose' }, {}), '--summary-mode: invalid value "verbose"; expected compact, full or legacy'],
    [() => parseCliFlags({ summaryMode: 'short' }, {}, false, { summaryMode: 'K6_SUMMARY_MODE' }), 'K6_SUMMARY_MODE: invalid value "short"; expected compact, full or legacy'],
  ])('rejects bad values with a one-line message (%#)', (parse, message) => {
    expect(parse).toThrow(message);
  });

  it('takes the summary modes', () => {
    expect(['compact', 'full', 'legacy'].map((mode) => parseCliFlags({ summaryMode: mode }, {}).run.summaryMode)).toEqual(['compact', 'full', 'legacy']);
    expect(parseCliFlags({}, {}).run.summaryMode).toBeUndefined();
  });

  it('colours a terminal unless --no-color or NO_COLOR say otherwise, and never a pipe', () => {
    expect(parseCliFlags({ color: false }, {}, true).run.color).toBe(false);
    expect(parseCliFlags({}, { NO_COLOR: '1' }, true).run.color).toBe(false);
    expect(parseCliFlags({}, {}, true).run.color).toBe(true);
    expect(parseCliFlags({}, {}, false).run.color).toBe(false);
  });
});

describe('--dashboard without a port', () => {
  it('leaves the script path to be the script, and keeps a port or host:port that follows', () => {
    expect(bareDashboardLast(['run', '--dashboard', 'script.ts', '--vus', '2'])).toEqual(['run', 'script.ts', '--vus', '2', '--dashboard']);
    expect(bareDashboardLast(['run', '--dashboard', '8080', 'script.ts'])).toEqual(['run', '--dashboard', '8080', 'script.ts']);
    expect(bareDashboardLast(['run', '--dashboard', '127.0.0.1:0', 'script.ts'])).toEqual(['run', '--dashboard', '127.0.0.1:0', 'script.ts']);
    expect(bareDashboardLast(['run', 'script.ts', '--dashboard', '--quiet'])).toEqual(['run', 'script.ts', '--dashboard', '--quiet']);
  });
});
