/**
 * Trend histograms: the only module that imports hdr-histogram-js, so its ranges, encoding and
 * merging are decided in one place.
 *
 * - Values are recorded as integers of 1/1000 of the metric's unit (microseconds for millisecond
 *   trends) with 3 significant digits; the histogram grows as larger values arrive (auto-resize).
 * - HDR histograms hold non-negative integers only, yet a custom Trend may record any number, so
 *   negative values go to a second histogram of magnitudes, created on the first negative value.
 * - Count, sum, min and max are tracked exactly beside the histograms; percentiles come from the
 *   histograms, with the lowest and highest ranks answered by the exact min and max.
 * - Counts are 64-bit floats: a histogram merged over a long run cannot overflow a bucket, which
 *   32-bit counts (wrapping silently at 2^32) could.
 * - A trend with few values keeps the values themselves and builds no histogram: a histogram's counts
 *   array takes 20 to 80 KB, and a series that sees a handful of samples (one per distinct tag value)
 *   would pay that for each. It is encoded as those values too. Its merging and percentiles are those
 *   of the histogram it would have built, so the two forms cannot be told apart by their answers.
 */
// The modules of the JavaScript histograms only: the package's index also loads its WebAssembly
// build and an AssemblyScript loader, about 50 ms of each thread's start-up, which wsk never uses.
import { JsHistogram } from 'hdr-histogram-js/dist/JsHistogram.js';
import { constructorFromBucketSize } from 'hdr-histogram-js/dist/JsHistogramFactory.js';
// Also adds JsHistogram.decode and JsHistogram#encodeIntoCompressedBase64.
import { decompress } from 'hdr-histogram-js/dist/JsHistogram.encoding.js';

/** Recorded integers per unit of the metric. */
const SCALE = 1000;
const SIGNIFICANT_DIGITS = 3;
const BUCKET_BITS = 64;
/** Magnitudes above this (in recorded integers) are clamped in the histogram; min, max and sum stay exact. */
const HIGHEST_RECORDED = Number.MAX_SAFE_INTEGER;
/** Values a trend keeps as a list before it builds its histograms. */
const FEW_VALUES = 32;

/**
 * A trend histogram as plain, structured-clonable (and JSON-safe once count > 0) data: a trend with
 * few values sends the values themselves, one with many its histograms. Reading HDR's encoding back
 * takes histograms of 10,000 buckets or more, so sending a handful of values that way (as every
 * series of a short test does) cost milliseconds per series, most of a one-second test's merging.
 *
 * Histograms take one of two forms. `encode()` gives HDR's compressed base64, the portable form a
 * results file keeps. `encode('buckets')` lists the non-empty buckets, the form a worker's metric
 * batches take every 200 ms: compressing with zlib and inflating into a new histogram on the other
 * side cost 1–2 ms per batch of a streaming test, a tenth of its worker's CPU. Either form merges
 * into any histogram of this module, which all share one bucket layout.
 */
export type EncodedTrend = EncodedExact & (EncodedValues | EncodedHistograms | EncodedBuckets);

/** How `encode` gives a trend with many values: HDR's compressed base64 (portable), or its buckets. */
export type TrendForm = 'portable' | 'buckets';

interface EncodedExact {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

interface EncodedValues {
  /** The values (at most FEW_VALUES), in the order recorded. */
  readonly values: readonly number[];
}

interface EncodedHistograms {
  /** Values >= 0, as HDR's compressed base64 (V2) encoding. */
  readonly positive: string;
  /** Magnitudes of the values < 0; absent when there were none. */
  readonly negative?: string;
}

interface EncodedBuckets {
  /**
   * The non-empty buckets of the values >= 0, ascending, as pairs: the lowest recorded integer the
   * bucket holds, then its count. Recording that integer in any histogram of this module lands in
   * the same bucket.
   */
  readonly buckets: readonly number[];
  /** The same for the magnitudes of the values < 0; absent when there were none. */
  readonly negativeBuckets?: readonly number[];
}

/** A trend's histograms: values >= 0, and the magnitudes of values < 0 once there is one. */
interface Histograms {
  readonly positive: JsHistogram;
  negative: JsHistogram | undefined;
}

export class TrendHistogram {
  /** The values themselves, until there are more than FEW_VALUES. */
  private few: number[] = [];
  /** Built once the values outgrow `few`, which is empty from then on. */
  private histograms: Histograms | undefined;
  private countValue = 0;
  private sumValue = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  get count(): number {
    return this.countValue;
  }
  get sum(): number {
    return this.sumValue;
  }
  /** Smallest value recorded; Infinity when empty. */
  get min(): number {
    return this.minValue;
  }
  /** Largest value recorded; -Infinity when empty. */
  get max(): number {
    return this.maxValue;
  }

  /** Records a finite number (resolution 0.001 of the unit in the histogram, exact in min/max/sum). */
  record(value: number): void {
    this.addExact(1, value, value, value);
    this.place(value);
  }

  /** Adds everything `other` recorded. */
  add(other: TrendHistogram): void {
    if (other.histograms === undefined) {
      for (const value of other.few) this.place(value);
    } else {
      const histograms = this.built();
      histograms.positive.add(other.histograms.positive);
      if (other.histograms.negative !== undefined) negativeOf(histograms).add(other.histograms.negative);
    }
    this.addExact(other.countValue, other.sumValue, other.minValue, other.maxValue);
  }

  /** Adds everything an encoded histogram (from `encode`, maybe of another thread or process) recorded. */
  addEncoded(encoded: EncodedTrend): void {
    if ('values' in encoded) {
      for (const value of encoded.values) this.place(value);
    } else {
      // Either form of histograms as buckets: HDR's base64 (a results file) is read into them first.
      const [positive, negative] =
        'buckets' in encoded
          ? [encoded.buckets, encoded.negativeBuckets]
          : [decodeBuckets(encoded.positive), encoded.negative === undefined ? undefined : decodeBuckets(encoded.negative)];
      if (this.histograms === undefined && this.few.length + encoded.count <= FEW_VALUES) {
        // Read back, each value lands in the bucket it was encoded from.
        readBuckets(positive, 1, this.few);
        if (negative !== undefined) readBuckets(negative, -1, this.few);
      } else {
        const histograms = this.built();
        addBuckets(histograms.positive, positive);
        if (negative !== undefined) addBuckets(negativeOf(histograms), negative);
      }
    }
    this.addExact(encoded.count, encoded.sum, encoded.min, encoded.max);
  }

  /** Plain data `addEncoded` (here or in another thread or process) merges; `form`: how histograms are written. */
  encode(form: TrendForm = 'portable'): EncodedTrend {
    const exact = { count: this.countValue, sum: this.sumValue, min: this.minValue, max: this.maxValue };
    const histograms = this.histograms;
    if (histograms === undefined) return { ...exact, values: [...this.few] };
    const negative = histograms.negative !== undefined && histograms.negative.totalCount > 0 ? histograms.negative : undefined;
    if (form === 'buckets') {
      const buckets = bucketsOf(histograms.positive);
      return negative === undefined ? { ...exact, buckets } : { ...exact, buckets, negativeBuckets: bucketsOf(negative) };
    }
    const positive = histograms.positive.encodeIntoCompressedBase64();
    return negative === undefined ? { ...exact, positive } : { ...exact, positive, negative: negative.encodeIntoCompressedBase64() };
  }

  static decode(encoded: EncodedTrend): TrendHistogram {
    const histogram = new TrendHistogram();
    histogram.addEncoded(encoded);
    return histogram;
  }

  /** The recorded values as an immutable, sorted distribution for percentile queries. */
  distribution(): TrendDistribution {
    const values: number[] = [];
    const ends: number[] = [];
    const histograms = this.histograms;
    if (histograms === undefined) {
      // Each listed value as the middle of the bucket it would be recorded in, sorted: the list a
      // histogram of these values gives, without walking its buckets.
      const middles = this.few.map(bucketMiddle).sort((a, b) => a - b);
      middles.forEach((value, i) => {
        if (value === values.at(-1)) ends[ends.length - 1] = i + 1;
        else {
          values.push(value);
          ends.push(i + 1);
        }
      });
    } else {
      let cumulative = 0;
      const collect = (histogram: JsHistogram, index: number, sign: 1 | -1): void => {
        const count = histogram.getCountAtIndex(index);
        if (count === 0) return;
        cumulative += count;
        // The middle of the bucket: unbiased, and within half a bucket (< 0.05%) of every value in it.
        values.push((sign * histogram.medianEquivalentValue(histogram.valueFromIndex(index))) / SCALE);
        ends.push(cumulative);
      };
      const { positive, negative } = histograms;
      if (negative !== undefined) {
        for (let index = negative.countsArrayLength - 1; index >= 0; index--) collect(negative, index, -1);
      }
      for (let index = 0; index < positive.countsArrayLength; index++) collect(positive, index, 1);
    }
    return new TrendDistribution(this.countValue, this.sumValue, this.minValue, this.maxValue, values, ends);
  }

  /** Empties the histogram, keeping its storage for reuse. */
  reset(): void {
    this.few.length = 0;
    this.histograms?.positive.reset();
    this.histograms?.negative?.reset();
    this.countValue = 0;
    this.sumValue = 0;
    this.minValue = Infinity;
    this.maxValue = -Infinity;
  }

  /** Releases the histograms' storage (a no-op for the JS implementation, kept so a WASM switch stays safe). */
  destroy(): void {
    this.histograms?.positive.destroy();
    this.histograms?.negative?.destroy();
  }

  /** Keeps a value in the list while there is room, else in the histograms (built on the first overflow). */
  private place(value: number): void {
    if (this.histograms === undefined && this.few.length < FEW_VALUES) this.few.push(value);
    else recordIn(this.built(), value);
  }

  /** The histograms, built (with the listed values moved into them) if there were none. */
  private built(): Histograms {
    if (this.histograms !== undefined) return this.histograms;
    const histograms: Histograms = { positive: createHistogram(), negative: undefined };
    for (const value of this.few) recordIn(histograms, value);
    this.few = [];
    this.histograms = histograms;
    return histograms;
  }

  private addExact(count: number, sum: number, min: number, max: number): void {
    this.countValue += count;
    this.sumValue += sum;
    if (min < this.minValue) this.minValue = min;
    if (max > this.maxValue) this.maxValue = max;
  }
}

/** A snapshot of a trend's values, sorted, for percentiles. Percentiles follow k6: linear interpolation between ranks. */
export class TrendDistribution {
  constructor(
    readonly count: number,
    private readonly sum: number,
    private readonly minValue: number,
    private readonly maxValue: number,
    /** Representative value of each non-empty bucket, ascending. */
    private readonly values: readonly number[],
    /** Cumulative count at the end of each bucket. */
    private readonly ends: readonly number[],
  ) {}

  get min(): number {
    return this.count === 0 ? 0 : this.minValue;
  }
  get max(): number {
    return this.count === 0 ? 0 : this.maxValue;
  }
  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
  get med(): number {
    return this.percentile(50);
  }

  /** The value below which `percent` % of the values lie (0 to 100); 0 when empty. */
  percentile(percent: number): number {
    if (this.count === 0) return 0;
    const rank = (Math.min(Math.max(percent, 0), 100) / 100) * (this.count - 1);
    const lower = Math.floor(rank);
    const below = this.valueAtRank(lower);
    const fraction = rank - lower;
    if (fraction === 0) return below;
    return below + (this.valueAtRank(lower + 1) - below) * fraction;
  }

  /** The value of 0-based rank `rank` in sorted order. */
  private valueAtRank(rank: number): number {
    if (rank <= 0) return this.minValue;
    if (rank >= this.count - 1) return this.maxValue;
    // First bucket whose cumulative count covers the rank.
    let low = 0;
    let high = this.ends.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.ends[middle] ?? Infinity) > rank) high = middle;
      else low = middle + 1;
    }
    const value = this.values[low] ?? this.maxValue;
    const clamped = Math.min(Math.max(value, this.minValue), this.maxValue);
    return clamped === 0 ? 0 : clamped; // never -0
  }
}

/** Bucket arithmetic for values that are not recorded anywhere: a histogram's is the same at any size. */
let buckets: JsHistogram | undefined;

/** The middle of the bucket `value` is recorded in, as the value a histogram holding it reads back. */
function bucketMiddle(value: number): number {
  buckets ??= createHistogram();
  const sign = value < 0 ? -1 : 1;
  return (sign * buckets.medianEquivalentValue(toRecorded(sign * value))) / SCALE;
}

function createHistogram(): JsHistogram {
  const Histogram = constructorFromBucketSize(BUCKET_BITS);
  const histogram = new Histogram(1, 2, SIGNIFICANT_DIGITS);
  histogram.autoResize = true;
  return histogram;
}

function recordIn(histograms: Histograms, value: number): void {
  if (value >= 0) histograms.positive.recordValue(toRecorded(value));
  else negativeOf(histograms).recordValue(toRecorded(-value));
}

function negativeOf(histograms: Histograms): JsHistogram {
  histograms.negative ??= createHistogram();
  return histograms.negative;
}

/** The non-empty buckets of `histogram` as [lowest recorded integer, count] pairs, ascending. */
function bucketsOf(histogram: JsHistogram): number[] {
  const pairs: number[] = [];
  let left = histogram.totalCount;
  for (let index = 0; left > 0 && index < histogram.countsArrayLength; index++) {
    const count = histogram.getCountAtIndex(index);
    if (count === 0) continue;
    pairs.push(histogram.valueFromIndex(index), count);
    left -= count;
  }
  return pairs;
}

function addBuckets(target: JsHistogram, pairs: readonly number[]): void {
  for (let i = 0; i + 1 < pairs.length; i += 2) target.recordValueWithCount(pairs[i] as number, pairs[i + 1] as number);
}

/** Appends the values of buckets (bucketsOf), each as its bucket's middle, times `sign`. */
function readBuckets(pairs: readonly number[], sign: 1 | -1, into: number[]): void {
  buckets ??= createHistogram();
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const value = (sign * buckets.medianEquivalentValue(pairs[i] as number)) / SCALE;
    for (let n = pairs[i + 1] as number; n > 0; n--) into.push(value);
  }
}

/** The buckets (bucketsOf) of a histogram in HDR's compressed base64 (V2) encoding. */
function decodeBuckets(encoded: string): number[] {
  const decoded = decode(encoded);
  try {
    return bucketsOf(decoded);
  } finally {
    decoded.destroy();
  }
}

/** A histogram from its compressed base64 (V2) encoding. */
function decode(encoded: string): JsHistogram {
  return JsHistogram.decode(decompress(new Uint8Array(Buffer.from(encoded, 'base64'))), BUCKET_BITS);
}

function toRecorded(magnitude: number): number {
  return Math.min(Math.round(magnitude * SCALE), HIGHEST_RECORDED);
}
