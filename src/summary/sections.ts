/**
 * Which section of the k6 1.x summary a metric is shown in: the core's EXECUTION and NETWORK, each
 * protocol's own (HTTP, WEBSOCKET, named in its report.ts), and CUSTOM for the script's metrics.
 */
import { Metric } from '../metrics/builtin.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { SummarySectionOfMetrics } from '../protocols/registry.js';

export interface SummarySection {
  readonly title: string;
  /** Sections are shown by rank, lowest first. */
  readonly rank: number;
}

/** The compact summary shows the most telling metrics; the full one all of them. */
export type SectionDetail = 'compact' | 'full';

const CUSTOM: SummarySection = { title: 'CUSTOM', rank: 0 };

const CORE_SECTIONS: readonly SummarySectionOfMetrics[] = [
  { title: 'EXECUTION', rank: 20, metrics: [Metric.iterationDuration, Metric.iterations, Metric.droppedIterations, Metric.vus, Metric.vusMax] },
  { title: 'NETWORK', rank: 30, metrics: [Metric.dataReceived, Metric.dataSent] },
];

/** In no section, as in k6: the checks have a block of their own, and group durations are the groups'. */
const UNSECTIONED: ReadonlySet<string> = new Set([Metric.checks, Metric.groupDuration]);

export class SummarySections {
  readonly #sections = new Map<string, SummarySection>();
  readonly #fullOnly = new Set<string>();

  constructor(protocolSections: readonly SummarySectionOfMetrics[] = PROTOCOLS.summarySections) {
    for (const { title, rank, metrics, fullOnly } of [...CORE_SECTIONS, ...protocolSections]) {
      for (const name of metrics) this.#sections.set(name, { title, rank });
      for (const name of fullOnly ?? []) this.#fullOnly.add(name);
    }
  }

  /** The section of a metric or submetric key ('http_req_duration{name:login}'), or undefined when `detail` leaves it out. */
  sectionOf(key: string, detail: SectionDetail): SummarySection | undefined {
    const name = key.split('{', 1)[0] ?? key;
    if (UNSECTIONED.has(name) || (detail === 'compact' && this.#fullOnly.has(name))) return undefined;
    return this.#sections.get(name) ?? CUSTOM;
  }
}
