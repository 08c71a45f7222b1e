import { describe, expect, it } from 'vitest';
import { TrendHistogram } from '../../../src/metrics/hdr.js';

function histogramOf(values: readonly number[]): TrendHistogram {
  const histogram = new TrendHistogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

/** k6's exact percentile: linear interpolation between the sorted values' ranks. */
function exactPercentile(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (percent / 100) * (sorted.length - 1);
  const below = sorted[Math.floor(rank)] ?? NaN;
  const above = sorted[Math.ceil(rank)] ?? NaN;
  return below + (above - below) * (rank - Math.floor(rank));
}

const PERCENTS = [0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100];

describe('TrendHistogram', () => {
  it('is exact for values that fit the unit resolution (below 2.048 units)', () => {
    const distribution = histogramOf([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]).distribution();
    const table: [percent: number, expected: number][] = [
      [0, 0.1],
      [10, 0.19],
      [50, 0.55],
      [90, 0.91],
      [95, 0.955],
      [100, 1],
    ];
    for (const [percent, expected] of table) expect(distribution.percentile(percent)).toBeCloseTo(expected, 12);
    expect([distribution.count, distribution.min, distribution.max, distribution.med]).toEqual([10, 0.1, 1, distribution.percentile(50)]);
    expect(distribution.avg).toBeCloseTo(0.55, 12);
  });

  it('stays within 3 significant digits of the exact percentile across magnitudes', () => {
    const values = Array.from({ length: 5000 }, (_, i) => 0.37 * (i + 1) ** 1.7); // 0.37 to ~1.86e6
    const distribution = histogramOf(values).distribution();
    for (const percent of PERCENTS) {
      const exact = exactPercentile(values, percent);
      expect(Math.abs(distribution.percentile(percent) - exact) / exact).toBeLessThan(1e-3);
    }
    expect(distribution.min).toBe(0.37);
    expect(distribution.max).toBe(Math.max(...values));
  });

  it('records negative and fractional values', () => {
    const histogram = histogramOf([2.25, -1.25, 0, -5.5, 0.5]);
    const distribution = histogram.distribution();
    const table: [percent: number, expected: number][] = [
      [0, -5.5],
      [12.5, -3.375],
      [25, -1.25],
      [50, 0],
      [75, 0.5],
      [100, 2.25],
    ];
    for (const [percent, expected] of table) expect(distribution.percentile(percent)).toBe(expected);
    expect([histogram.count, histogram.sum, histogram.min, histogram.max, distribution.avg]).toEqual([5, -4, -5.5, 2.25, -0.8]);
  });

  it('encodes, decodes and merges to exactly what recording everything in one gives', () => {
    const first = [-3.5, 0.25, 1, 12.75, 480, 480, 90_000.5];
    const second = [-0.75, 0, 3, 250.25, 1200, 7];
    const merged = TrendHistogram.decode(histogramOf(first).encode());
    merged.addEncoded(histogramOf(second).encode());
    const added = histogramOf(first);
    added.add(histogramOf(second));
    const all = histogramOf([...first, ...second]);

    for (const histogram of [merged, added]) {
      expect([histogram.count, histogram.sum, histogram.min, histogram.max]).toEqual([all.count, all.sum, all.min, all.max]);
      const got = histogram.distribution();
      const want = all.distribution();
      for (let percent = 0; percent <= 100; percent += 0.5) expect(got.percentile(percent)).toBe(want.percentile(percent));
    }
  });

  it('answers the same with few values as with many, however they were recorded, added or decoded', () => {
    // Up to 32 values are kept as a list, more in histograms: the two forms must not be told apart.
    const values = Array.from({ length: 100 }, (_, i) => (i % 7 === 3 ? -1 : 1) * 0.013 * (i + 1) ** 2.3);
    const sizes: [first: number, second: number][] = [[0, 1], [1, 0], [16, 15], [16, 16], [16, 17], [31, 1], [32, 1], [33, 0], [20, 40], [40, 20], [50, 50]];
    for (const [size, more] of sizes) {
      const first = values.slice(0, size);
      const second = values.slice(size, size + more);
      const all = histogramOf([...first, ...second]);
      const merged = TrendHistogram.decode(histogramOf(first).encode());
      merged.addEncoded(histogramOf(second).encode());
      const mergedBuckets = TrendHistogram.decode(histogramOf(first).encode('buckets'));
      mergedBuckets.addEncoded(histogramOf(second).encode('buckets'));
      // Forms mix: a batch's buckets merge into what a results file's histogram holds.
      const mixed = TrendHistogram.decode(histogramOf(first).encode());
      mixed.addEncoded(histogramOf(second).encode('buckets'));
      const added = histogramOf(first);
      added.add(histogramOf(second));
      const reversed = histogramOf(second);
      reversed.add(histogramOf(first));
      // A reset histogram keeps its form: here, the values in histograms however few they are.
      const reused = histogramOf(values.slice(0, 40));
      reused.reset();
      for (const value of [...first, ...second]) reused.record(value);
      const decoded = [TrendHistogram.decode(all.encode()), TrendHistogram.decode(all.encode('buckets'))];
      for (const histogram of [merged, mergedBuckets, mixed, added, reversed, reused, ...decoded]) {
        expect([histogram.count, histogram.min, histogram.max]).toEqual([all.count, all.min, all.max]);
        expect(histogram.sum).toBeCloseTo(all.sum, 9);
        const got = histogram.distribution();
        const want = all.distribution();
        for (let percent = 0; percent <= 100; percent += 2.5) expect(got.percentile(percent)).toBe(want.percentile(percent));
      }
    }
  });

  it('encodes few values as themselves and many as histograms, the negative one only when there are negative values', () => {
    const few = histogramOf([1, -2.5, 1]).encode();
    expect(few).toEqual({ count: 3, sum: -0.5, min: -2.5, max: 1, values: [1, -2.5, 1] });
    const many = Array.from({ length: 40 }, (_, i) => i + 0.5);
    const positive = histogramOf(many).encode();
    expect(Object.keys(positive)).toEqual(['count', 'sum', 'min', 'max', 'positive']);
    expect(histogramOf([...many, -1]).encode()).toEqual({ ...histogramOf([...many, -1]).encode(), negative: expect.any(String) });
    for (const encoded of [few, positive]) expect(JSON.parse(JSON.stringify(structuredClone(encoded)))).toEqual(encoded);
  });

  it("lists a histogram's non-empty buckets as pairs of a value they hold and its count", () => {
    // 40 values: one bucket each below 2.048 units, where buckets are a thousandth of a unit wide.
    const many = Array.from({ length: 40 }, (_, i) => i / 20);
    expect(histogramOf(many).encode('buckets')).toEqual({
      count: 40,
      sum: 39,
      min: 0,
      max: 1.95,
      buckets: many.flatMap((value) => [Math.round(value * 1000), 1]),
    });
    // Values that share a bucket count together; negative values list their magnitudes apart.
    const shared = histogramOf([...many, 1.95, -3, -3]).encode('buckets');
    expect(shared).toMatchObject({ count: 43, buckets: [...many.slice(0, -1).flatMap((value) => [Math.round(value * 1000), 1]), 1950, 2], negativeBuckets: [3000, 2] });
    expect(JSON.parse(JSON.stringify(structuredClone(shared)))).toEqual(shared);
    // Few values are themselves in either form.
    expect(histogramOf([1, 2]).encode('buckets')).toEqual(histogramOf([1, 2]).encode());
  });

  it('resets to empty and reports zeros when empty', () => {
    const histogram = histogramOf([-4, 4]);
    histogram.reset();
    const distribution = histogram.distribution();
    expect([histogram.count, histogram.sum, histogram.min, histogram.max]).toEqual([0, 0, Infinity, -Infinity]);
    expect([distribution.count, distribution.avg, distribution.min, distribution.med, distribution.max, distribution.percentile(99)]).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    histogram.record(3);
    expect(histogram.distribution().percentile(50)).toBe(3);
  });

  it('keeps min, max and sum exact for values beyond the histogram range', () => {
    const histogram = histogramOf([1, 1e300]);
    expect([histogram.min, histogram.max, histogram.distribution().percentile(100)]).toEqual([1, 1e300, 1e300]);
  });
});
