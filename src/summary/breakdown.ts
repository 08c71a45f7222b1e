/**
 * The per-group and per-scenario results `--summary-mode full` adds, from the metric store's series,
 * as k6 1.x counts them: a sample counts in the group it was recorded in (not in the groups around
 * it) and in its scenario; the default scenario has no section of its own, so its groups are the
 * test's, while another scenario's groups are shown within that scenario.
 */
import { Metric } from '../metrics/builtin.js';
import type { MetricStore } from '../metrics/store.js';
import { compareNames } from '../name-order.js';
import type { Tags } from '../types.js';
import type { SummaryMetric } from './data.js';
import type { Breakdown, BreakdownNode, CheckCount } from './report.js';

const DEFAULT_SCENARIO = 'default';
/** The scenarios the lifecycle VU tags setup(), teardown() and handleSummary() with: in no section, as in k6. */
const LIFECYCLE_SCENARIOS: ReadonlySet<string> = new Set(['setup', 'teardown', 'handleSummary']);
const GROUP_SEPARATOR = '::';
/** Joins a scenario and a group path into one key; neither can hold it. */
const KEY_SEPARATOR = '\u0000';

interface Node {
  readonly name: string;
  readonly metrics: Record<string, SummaryMetric>;
  readonly checks: Map<string, { passes: number; fails: number }>;
  readonly children: Map<string, Node>;
}

export type BreakdownStore = Pick<MetricStore, 'metricNames' | 'definition' | 'groupedBy' | 'series'>;

export function buildBreakdown(store: BreakdownStore, elapsedMs: number, trendStats: readonly string[]): Breakdown {
  const test = newNode('');
  const scenarios = new Map<string, Node>();
  const scenarioNode = (name: string): Node => {
    let scenario = scenarios.get(name);
    if (scenario === undefined) scenarios.set(name, (scenario = newNode(name)));
    return scenario;
  };
  // The groups' parent: the test for the default scenario's samples, else their scenario; none for the lifecycle's.
  const parentOf = (scenario: string): Node => (scenario === '' ? test : scenarioNode(scenario));

  // Group durations first: groups then appear in the order they first ended, near enough to the script's order.
  const names = store.metricNames().sort((a, b) => Number(b === Metric.groupDuration) - Number(a === Metric.groupDuration));
  for (const name of names) {
    const definition = store.definition(name);
    if (definition === undefined) continue;
    const entry = (values: SummaryMetric['values']): SummaryMetric => ({ type: definition.type, contains: definition.contains, values });
    for (const [scenario, view] of store.groupedBy(name, scenarioOf, elapsedMs)) {
      if (scenario !== '') scenarioNode(scenario).metrics[name] = entry(view.values(trendStats));
    }
    for (const [key, view] of store.groupedBy(name, groupKeyOf, elapsedMs)) {
      const [scenario = '', path = ''] = key.split(KEY_SEPARATOR);
      groupAt(parentOf(scenario), path).metrics[name] = entry(view.values(trendStats));
    }
  }
  for (const { tags, view } of store.series(Metric.checks)) {
    const check = tags['check'];
    const scenario = scenarioOf(tags);
    if (check === undefined || scenario === undefined) continue;
    const passes = view.value('passes') ?? 0;
    const fails = view.value('fails') ?? 0;
    if (scenario !== '') count(scenarioNode(scenario), check, passes, fails);
    const group = tags['group'] ?? '';
    if (group !== '') count(groupAt(parentOf(scenario), group), check, passes, fails);
  }
  return {
    groups: [...test.children.values()].map(toBreakdown),
    scenarios: [...scenarios.values()].sort((a, b) => compareNames(a.name, b.name)).map(toBreakdown),
  };
}

/** Every check by name, in the order they first ran, over the whole test (k6 1.x's total results). */
export function checksInOrder(store: Pick<MetricStore, 'series'>): readonly CheckCount[] {
  const total = newNode('');
  for (const { tags, view } of store.series(Metric.checks)) {
    if (tags['check'] !== undefined) count(total, tags['check'], view.value('passes') ?? 0, view.value('fails') ?? 0);
  }
  return toBreakdown(total).checks;
}

/** '' for the default scenario (and samples without one), undefined for the lifecycle's, else the scenario. */
function scenarioOf(tags: Tags): string | undefined {
  const scenario = tags['scenario'];
  if (scenario === undefined || scenario === DEFAULT_SCENARIO) return '';
  return LIFECYCLE_SCENARIOS.has(scenario) ? undefined : scenario;
}

function groupKeyOf(tags: Tags): string | undefined {
  const scenario = scenarioOf(tags);
  const group = tags['group'] ?? '';
  return scenario === undefined || group === '' ? undefined : `${scenario}${KEY_SEPARATOR}${group}`;
}

/** The group at `path` ('::a::b') within `parent`, created with the groups around it as needed. */
function groupAt(parent: Node, path: string): Node {
  let node = parent;
  for (const name of path.split(GROUP_SEPARATOR).slice(1)) {
    let child = node.children.get(name);
    if (child === undefined) node.children.set(name, (child = newNode(name)));
    node = child;
  }
  return node;
}

function count(node: Node, check: string, passes: number, fails: number): void {
  const counted = node.checks.get(check);
  if (counted === undefined) node.checks.set(check, { passes, fails });
  else {
    counted.passes += passes;
    counted.fails += fails;
  }
}

function newNode(name: string): Node {
  return { name, metrics: {}, checks: new Map(), children: new Map() };
}

function toBreakdown(node: Node): BreakdownNode {
  return {
    name: node.name,
    metrics: node.metrics,
    checks: [...node.checks].map(([name, { passes, fails }]) => ({ name, passes, fails })),
    groups: [...node.children.values()].map(toBreakdown),
  };
}
