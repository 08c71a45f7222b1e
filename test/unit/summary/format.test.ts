import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent, formatValue } from '../../../src/summary/format.js';

describe('formatting', () => {
  const durations: [ms: number, text: string][] = [
    [0, '0s'],
    [0.0005, '500ns'],
    [0.25, '250µs'],
    [0.29, '290µs'],
    [1.234, '1.23ms'],
    [999.999, '999.99ms'],
    [1500, '1.5s'],
    [59_999, '59.99s'],
    [62_000, '1m2s'],
    [3_723_000, '1h2m3s'],
    [-1.5, '-1.5ms'],
  ];
  it.each(durations)('%s ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  const bytes: [count: number, text: string][] = [
    [0, '0 B'],
    [7, '7 B'],
    [3.3333, '3.33 B'],
    [512, '512 B'],
    [1234, '1.2 kB'],
    [123_456, '123 kB'],
    [5_600_000, '5.6 MB'],
  ];
  it.each(bytes)('%s bytes is %s', (count, text) => expect(formatBytes(count)).toBe(text));

  const percents: [fraction: number, text: string][] = [
    [0, '0.00%'],
    [0.29, '29.00%'],
    [2 / 3, '66.66%'],
    [0.99999, '99.99%'],
    [1, '100.00%'],
  ];
  it.each(percents)('%s is %s', (fraction, text) => expect(formatPercent(fraction)).toBe(text));

  it('formats by metric type and value kind', () => {
    expect([
      formatValue(0.5, 'rate', 'default'),
      formatValue(2.5, 'trend', 'time'),
      formatValue(2500, 'counter', 'data'),
      formatValue(1 / 3, 'gauge', 'default'),
    ]).toEqual(['50.00%', '2.5ms', '2.5 kB', '0.333333']);
  });
});
