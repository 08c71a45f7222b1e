/**
 * Custom metrics, created in init code (top level of the script). Each `add` records one sample
 * tagged with the VU's scenario and group plus the tags given.
 */
type Tags = Record<string, string>;
export {};

declare abstract class Metric {
  readonly name: string;
  /** Records one sample. */
  add(value: number | boolean, tags?: Tags): void;
}

/** A sum (and its rate per second). */
export class Counter extends Metric {
  constructor(name: string);
}
/** The last value recorded, with its min and max. */
export class Gauge extends Metric {
  constructor(name: string);
}
/** The share of non-zero (true) samples. */
export class Rate extends Metric {
  constructor(name: string);
}
/** A distribution (HDR histogram): avg, min, med, max, percentiles. `isTime` formats values as milliseconds. */
export class Trend extends Metric {
  constructor(name: string, isTime?: boolean);
}
