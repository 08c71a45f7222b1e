/**
 * The `wsk/metrics` module (alias `k6/metrics`): Counter, Gauge, Rate, Trend. Metrics are created in
 * init code; each sample crosses to the host in the next batch, where it is aggregated. The classes
 * are the realm's, shared by its VUs; a metric belongs to the VU whose init code created it.
 */
import type * as Metrics from 'wsk/metrics';
import { initializingVu, type VuState } from '../vu.js';
import { textRecord } from '../tags.js';
import { METRIC_NAME_RULE, isMetricName } from '../../src/options/grammar.js';

type MetricKind = 'counter' | 'gauge' | 'rate' | 'trend';

abstract class Metric {
  readonly name: string;
  readonly #kind: MetricKind;
  readonly #owner: VuState;

  constructor(kind: MetricKind, name: string, isTime: boolean) {
    const owner = initializingVu();
    if (owner === undefined) {
      throw new Error(`new ${className(kind)}("${String(name)}"): custom metrics can only be created in init code (the top level of the script)`);
    }
    if (!isMetricName(name)) {
      throw new TypeError(`invalid metric name ${JSON.stringify(name)}: use ${METRIC_NAME_RULE}`);
    }
    this.name = name;
    this.#kind = kind;
    this.#owner = owner;
    owner.services.emit(['define', name, kind, isTime]);
  }

  add(value: number | boolean, tags?: Record<string, string>): void {
    const number = typeof value === 'boolean' ? Number(value) : value;
    if (typeof number !== 'number' || Number.isNaN(number)) {
      throw new TypeError(`${this.name}.add(): value must be a number or boolean, got ${String(value)}`);
    }
    const sample = this.#kind === 'rate' ? (number !== 0 ? 1 : 0) : number;
    const owner = this.#owner;
    owner.services.emit(['metric', owner.id, this.name, sample, owner.group, textRecord(tags, `${this.name}.add(): tags`)]);
  }
}

class Counter extends Metric {
  constructor(name: string) {
    super('counter', name, false);
  }
}
class Gauge extends Metric {
  constructor(name: string) {
    super('gauge', name, false);
  }
}
class Rate extends Metric {
  constructor(name: string) {
    super('rate', name, false);
  }
}
class Trend extends Metric {
  constructor(name: string, isTime = false) {
    super('trend', name, isTime);
  }
}

const MODULE: typeof Metrics = Object.freeze({ Counter, Gauge, Rate, Trend });

export function createMetricsModule(): typeof Metrics {
  return MODULE;
}

function className(kind: MetricKind): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1);
}

/** What every VU of a realm reaches (the module object, its classes and their prototypes): frozen by lockdown. */
export const REALM_SHARED: readonly object[] = [MODULE];
