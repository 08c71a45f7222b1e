/**
 * Metric definitions of one run: the built-ins plus custom metrics a script creates
 * (`new Trend('x')`). A name has one type and one value kind for the whole run.
 */
import { configError, quote } from '../errors.js';
import type { MetricDefinition, MetricType, ValueKind } from '../types.js';
import { PROTOCOLS } from '../protocols/index.js';
import { METRIC_NAME_RULE, isMetricName } from '../options/grammar.js';


export class MetricRegistry {
  private readonly definitions = new Map<string, MetricDefinition>();

  constructor(builtins: readonly MetricDefinition[] = PROTOCOLS.metrics) {
    for (const definition of builtins) this.definitions.set(definition.name, definition);
  }

  /**
   * Defines a metric, or returns the existing definition when it matches. Throws WskError
   * 'INVALID_OPTION' for a bad name or when the name already has another type or value kind.
   */
  define(name: string, type: MetricType, contains: ValueKind = 'default'): MetricDefinition {
    const existing = this.definitions.get(name);
    if (existing !== undefined) {
      if (existing.type !== type) {
        throw configError('INVALID_OPTION', `metric ${quote(name)} is already a ${existing.type}; cannot redefine it as a ${type}`);
      }
      if (existing.contains !== contains) {
        throw configError(
          'INVALID_OPTION',
          `metric ${quote(name)} already holds ${existing.contains} values; cannot redefine it to hold ${contains} values`,
        );
      }
      return existing;
    }
    validateMetricName(name);
    const definition: MetricDefinition = { name, type, contains };
    this.definitions.set(name, definition);
    return definition;
  }

  get(name: string): MetricDefinition | undefined {
    return this.definitions.get(name);
  }

  /** Every defined name, built-ins first, then in definition order. */
  names(): string[] {
    return [...this.definitions.keys()];
  }
}

/** Throws WskError 'INVALID_OPTION' unless `name` is a valid metric name (k6's rule). */
export function validateMetricName(name: string): void {
  if (!isMetricName(name)) {
    throw configError('INVALID_OPTION', `invalid metric name ${quote(name)}; allowed: ${METRIC_NAME_RULE}`);
  }
}

