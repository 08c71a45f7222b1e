import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/duration.js';
import { WskError } from '../../src/errors.js';
import { thrownWskError } from './wsk-error.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['2.5s', 2_500],
    ['1h2m3s4ms', 3_723_004],
    ['0s', 0],
    ['0', 0],
    ['1500', 1_500],
    ['1.1s', 1_100],
    ['.5s', 500],
    ['1.s', 1_000],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['250μs', 0.25],
    ['1500ns', 0.0015],
    ['1d', 86_400_000],
    ['+3s', 3_000],
    ['1m1m', 120_000],
    [0, 0],
    [250, 250],
    [2.5, 2.5],
  ])('%j is %j ms', (input, ms) => {
    expect(parseDuration(input, 'options.duration')).toBe(ms);
  });

  it.each([['10x'], ['10 s'], ['s'], [''], ['1.5'], ['m5'], ['10s '], ['1h-5m'], [true], [null], [{}], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %j, naming where and the value',
    (input) => {
      const error = thrownWskError(() => parseDuration(input, 'options.scenarios.main.duration'));
      expect(error).toBeInstanceOf(WskError);
      expect(error.code).toBe('INVALID_DURATION');
      expect(error.exitCode).toBe(104);
      expect(error.message).toMatch(/^options\.scenarios\.main\.duration: invalid duration /);
      expect(error.message).toContain('use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")');
    },
  );

  it('quotes the bad value exactly', () => {
    expect(thrownWskError(() => parseDuration('10x', 'options.scenarios.main.duration')).message).toBe(
      'options.scenarios.main.duration: invalid duration "10x"; use a number with a unit: ms, s, m, h (e.g. "30s", "1m30s")',
    );
  });

  it.each([['-1s'], [-5], ['-0s']])('rejects the negative duration %j', (input) => {
    const error = thrownWskError(() => parseDuration(input, 'options.gracefulStop'));
    expect(error.code).toBe('INVALID_DURATION');
    expect(error.message).toBe(`options.gracefulStop: invalid duration ${JSON.stringify(input)}; a duration cannot be negative`);
  });
});

