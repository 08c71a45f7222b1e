/**
 * A worker's metrics: the definitions it knows (built-in and the script's), and the samples its VUs
 * and protocols record, aggregated per series until the report drains them.
 */
import { Metric } from '../metrics/builtin.js';
import { MetricRegistry } from '../metrics/registry.js';
import { SampleAggregator, type MetricBatch } from '../metrics/sink.js';
import type { MetricDefinition, Tags } from '../types.js';
import type { SampleTags } from './sample-tags.js';

export class WorkerMetrics {
  readonly #registry: MetricRegistry;
  readonly #aggregator = new SampleAggregator();
  readonly #tags: SampleTags;
  /** Custom metrics already reported to the coordinator. */
  readonly #reported = new Set<string>();

  constructor(builtins: readonly MetricDefinition[], tags: SampleTags) {
    this.#registry = new MetricRegistry(builtins);
    this.#tags = tags;
  }

  /** A sample of a VU's host-side operation (a request, a socket); `tags` are the sample's whole tags. */
  record(metric: string, value: number, tags: Tags): void {
    this.#aggregator.add(this.#registry.get(metric)!, value, this.#tags.key(tags));
  }

  /** A sample the script took (a check, a custom metric); one of a metric nobody defined is dropped. `vuTags`: exec.vu.tags. */
  script(scenario: number, metric: string, value: number, group: string, own: Record<string, string> | null, vuTags: Tags | null = null): void {
    const definition = this.#registry.get(metric);
    if (definition === undefined) return;
    this.#aggregator.add(definition, value, this.#tags.series(scenario, group, own, vuTags));
  }

  /** One iteration of `scenario` that took `durationMs`, by a VU with tags `vuTags` (exec.vu.tags). */
  iteration(scenario: number, durationMs: number, vuTags: Tags | null = null): void {
    const tags = this.#tags.series(scenario, '', null, vuTags);
    this.#aggregator.add(this.#registry.get(Metric.iterationDuration)!, durationMs, tags);
    this.#aggregator.add(this.#registry.get(Metric.iterations)!, 1, tags);
  }

  /**
   * A custom metric created in init code: its definition the first time this worker sees it,
   * undefined after that. Throws when the name is taken by a metric of another kind.
   */
  define(name: string, type: MetricDefinition['type'], isTime: boolean): MetricDefinition | undefined {
    const definition = this.#registry.define(name, type, isTime ? 'time' : 'default');
    if (this.#reported.has(definition.name)) return undefined;
    this.#reported.add(definition.name);
    return definition;
  }

  /** The samples aggregated since the last drain. */
  drain(): MetricBatch {
    return this.#aggregator.drain();
  }
}
