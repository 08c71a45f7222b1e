/**
 * The protocols of a run, checked to fit together (no module id, alias or metric taken twice), and
 * what the rest of wsk reads from them: the bundler's module table, the metric definitions, the
 * sandbox sides to build into the runtime, and the outputs' contributions.
 */
import { CORE_METRICS } from '../metrics/builtin.js';
import { CORE_MODULES } from '../runtime-modules.js';
import { runtimeRequire, type RuntimeTable } from '../bundle/runtime-table.js';
import type { MetricDefinition } from '../types.js';
import type { OpenProtocolHost, Protocol, ProtocolContext, ProtocolHost, ProtocolReport, ProtocolSummarySection } from './types.js';

export class ProtocolRegistry {
  readonly protocols: readonly Protocol[];
  readonly #table: RuntimeTable;
  readonly #metrics: readonly MetricDefinition[];
  /** Each protocol's host side, once loadHosts() loaded it. */
  readonly #hosts = new Map<Protocol, OpenProtocolHost>();

  constructor(protocols: readonly Protocol[]) {
    this.protocols = protocols;
    this.#table = runtimeTable(protocols);
    this.#metrics = metricDefinitions(protocols);
  }

  /**
   * Loads the host sides (Protocol.host) a worker needs before it opens them: those of the protocols
   * whose modules `scriptCode` (a bundled script) requires, or every one. A script of WebSockets alone
   * then never loads the HTTP client.
   */
  async loadHosts(scriptCode?: string): Promise<void> {
    const needed = this.protocols.filter(
      (protocol) => scriptCode === undefined || protocol.modules.some((module) => scriptCode.includes(runtimeRequire(module.id))),
    );
    const loaded = await Promise.all(needed.map((protocol) => this.#hosts.get(protocol) ?? protocol.host()));
    needed.forEach((protocol, i) => this.#hosts.set(protocol, loaded[i]!));
  }

  /** The protocols whose host sides loadHosts() loaded, in table order. */
  get hosted(): readonly Protocol[] {
    return this.protocols.filter((protocol) => this.#hosts.has(protocol));
  }

  /** Sets `protocol`'s host side up in a worker; loadHosts() has loaded it. */
  openHost(protocol: Protocol, context: ProtocolContext): ProtocolHost {
    const open = this.#hosts.get(protocol);
    if (open === undefined) throw new Error(`protocol ${protocol.name}: its host side is not loaded (ProtocolRegistry.loadHosts())`);
    return open(context);
  }

  /** The modules scripts may import (the core's and every protocol's), for the bundler and the type checker. */
  get runtimeTable(): RuntimeTable {
    return this.#table;
  }

  /** Every built-in metric: the core's, then each protocol's. */
  get metrics(): readonly MetricDefinition[] {
    return this.#metrics;
  }

  /** The sandbox side of each protocol, for the runtime bundle. */
  get sandboxFiles(): readonly string[] {
    return this.protocols.map((protocol) => protocol.sandbox);
  }

  /** Each protocol's contributions to the outputs, in table order. */
  get reports(): readonly ProtocolReport[] {
    return this.protocols.flatMap((protocol) => (protocol.report === undefined ? [] : [protocol.report]));
  }

  /** The summary section of each protocol that names one, with the metrics it holds. */
  get summarySections(): readonly SummarySectionOfMetrics[] {
    return this.protocols.flatMap(({ report, metrics }) =>
      report?.summary === undefined ? [] : [{ ...report.summary, metrics: metrics.map((definition) => definition.name) }],
    );
  }
}

export interface SummarySectionOfMetrics extends ProtocolSummarySection {
  readonly metrics: readonly string[];
}

function runtimeTable(protocols: readonly Protocol[]): RuntimeTable {
  const blocking: Record<string, RuntimeTable['blocking'][string]> = {};
  const aliases: Record<string, string> = {};
  const declarations: Record<string, string> = {};
  const exports: Record<string, readonly string[]> = {};
  const claim = (id: string, by: string): void => {
    if (Object.hasOwn(blocking, id) || Object.hasOwn(aliases, id)) throw new Error(`protocol ${by}: module id "${id}" is taken`);
  };
  for (const module of CORE_MODULES) {
    blocking[module.id] = module.blocking;
    aliases[module.k6] = module.id;
    if (module.exports !== undefined) exports[module.id] = module.exports;
  }
  for (const protocol of protocols) {
    for (const module of protocol.modules) {
      claim(module.id, protocol.name);
      blocking[module.id] = module.blocking;
      declarations[module.id] = module.declarations;
      if (module.exports !== undefined) exports[module.id] = module.exports;
      for (const alias of typeof module.k6 === 'string' ? [module.k6] : module.k6 ?? []) {
        claim(alias, protocol.name);
        aliases[alias] = module.id;
      }
    }
  }
  return { blocking, aliases, declarations, exports };
}

function metricDefinitions(protocols: readonly Protocol[]): MetricDefinition[] {
  const all = [...CORE_METRICS];
  const names = new Set(all.map((definition) => definition.name));
  for (const protocol of protocols) {
    for (const definition of protocol.metrics) {
      if (names.has(definition.name)) throw new Error(`protocol ${protocol.name}: metric "${definition.name}" is taken`);
      names.add(definition.name);
      all.push(definition);
    }
  }
  return all;
}
