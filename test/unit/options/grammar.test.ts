import { describe, expect, it } from 'vitest';
import { isMetricName, readDuration } from '../../../src/options/grammar.js';

describe('the shared duration grammar', () => {
  it.each<[unknown, number]>([
    ['0', 0],
    ['0s', 0],
    ['1500', 1_500],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['+3s', 3_000],
    ['250µs', 0.25],
    ['1d2h', 93_600_000],
    [2.5, 2.5],
  ])('%j is %j ms', (input, ms) => {
    expect(readDuration(input)).toEqual({ ms });
  });

  it.each<[unknown, 'invalid' | 'negative']>([
    ['', 'invalid'],
    ['+', 'invalid'],
    ['10 s', 'invalid'],
    ['1.5', 'invalid'],
    ['10x', 'invalid'],
    [null, 'invalid'],
    [Number.NaN, 'invalid'],
    ['-1s', 'negative'],
    [-1, 'negative'],
  ])('%j is %s', (input, problem) => {
    expect(readDuration(input)).toEqual({ problem });
  });
});

describe('the metric name rule', () => {
  it.each<[unknown, boolean]>([
    ['http_req_duration', true],
    ['_x9', true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['9a', false],
    ['my-metric', false],
    ['', false],
    [42, false],
  ])('%j → %s', (name, valid) => {
    expect(isMetricName(name)).toBe(valid);
  });
});
