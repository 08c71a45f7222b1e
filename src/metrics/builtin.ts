/**
 * The core's built-in metrics. Each is declared once here; code refers to it as `Metric.iterations`,
 * never by retyping the string. A protocol declares its own (ws_*, http_*) the same way in its
 * folder (src/protocols/<name>/metrics.ts); the registry puts them all together.
 */
import type { MetricDefinition, MetricType, ValueKind } from '../types.js';

const BUILTINS = {
  vus: metric('vus', 'gauge'),
  vusMax: metric('vus_max', 'gauge'),
  iterations: metric('iterations', 'counter'),
  iterationDuration: metric('iteration_duration', 'trend', 'time'),
  droppedIterations: metric('dropped_iterations', 'counter'),
  checks: metric('checks', 'rate'),
  groupDuration: metric('group_duration', 'trend', 'time'),
  dataSent: metric('data_sent', 'counter', 'data'),
  dataReceived: metric('data_received', 'counter', 'data'),
} as const;

/** The core's metric names by key: `Metric.iterationDuration === 'iteration_duration'`. */
export const Metric = namesOf(BUILTINS);

export const CORE_METRICS: readonly MetricDefinition[] = Object.values(BUILTINS);

export function metric<const Name extends string>(name: Name, type: MetricType, contains: ValueKind = 'default') {
  return { name, type, contains } as const;
}

/** The names of a table of metric definitions, by the same keys. */
export function namesOf<const Table extends Readonly<Record<string, { readonly name: string }>>>(table: Table): { readonly [Key in keyof Table]: Table[Key]['name'] } {
  const names: Record<string, string> = {};
  for (const [key, definition] of Object.entries(table)) names[key] = definition.name;
  // Every key was filled from the table, so the narrower type holds.
  return Object.freeze(names) as { readonly [Key in keyof Table]: Table[Key]['name'] };
}
