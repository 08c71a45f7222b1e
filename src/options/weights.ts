/**
 * Weighted scenarios, as Locust's user classes: scenarios with a `weight` and no executor are kinds
 * of users that share the load the options give (vus with duration, iterations or stages), each in
 * proportion to its weight. With vus 20 and weights 7/2/1 they get 14, 4 and 2 VUs; with stages,
 * each scenario ramps its share of every stage's target.
 */
import type { PlannedScenario, StageMs } from '../types.js';
import { configError, quote } from '../errors.js';
import { FieldReader, invalidOption, isFields } from './fields.js';

/** What a weighted scenario may say: its weight and what it runs, never how much load. */
export const WEIGHTED_KEYS = ['weight', 'exec', 'env', 'tags', 'startTime', 'gracefulStop'];

export interface WeightedScenario {
  readonly name: string;
  readonly weight: number;
  readonly fields: FieldReader;
}

/** The load the options give, for the weighted scenarios to share. */
export type SharedLoad =
  | { readonly kind: 'duration'; readonly vus: number; readonly durationMs: number }
  | { readonly kind: 'iterations'; readonly vus: number; readonly iterations: number; readonly maxDurationMs: number }
  | { readonly kind: 'stages'; readonly startVUs: number; readonly stages: readonly StageMs[] };

/** Whether `scenarios` (options.scenarios, unchecked) has a scenario with a weight. */
export function hasWeights(scenarios: unknown): boolean {
  return isFields(scenarios) && Object.values(scenarios).some((scenario) => isFields(scenario) && scenario['weight'] !== undefined);
}

/** A weighted scenario's own fields, checked: a positive weight and no load of its own. */
export function readWeighted(name: string, fields: FieldReader): WeightedScenario {
  fields.onlyKeys(WEIGHTED_KEYS, 'a weighted scenario (it takes its share of the options\' vus and duration, iterations or stages)');
  const weight = fields.raw('weight');
  if (typeof weight !== 'number' || !(weight > 0) || !Number.isFinite(weight)) {
    throw invalidOption(fields.pathOf('weight'), weight, 'use a number > 0, e.g. 7 (weights are shares: 7, 2 and 1 split the VUs 70/20/10)');
  }
  return { name, weight, fields };
}

/**
 * Splits `total` in proportion to `weights` (largest remainder): whole numbers that add up to it.
 * Ties go to the first scenario.
 */
export function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((value, i) => ({ i, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i]!++;
    left--;
  }
  return shares;
}

/** Each weighted scenario with its share of `load`; a share that comes to no VU is an error naming it. */
export function shareLoad(scenarios: readonly WeightedScenario[], load: SharedLoad, common: (scenario: WeightedScenario) => Omit<PlannedScenario, 'executor'>): PlannedScenario[] {
  const weights = scenarios.map((scenario) => scenario.weight);
  const described = `weights ${weights.join('/')}`;
  const noVu = (vus: number, what: string): never => {
    const index = splitByWeight(vus, weights).findIndex((share) => share === 0);
    const scenario = scenarios[index]!;
    throw configError(
      'INVALID_OPTION',
      `options.scenarios.${scenario.name}: weight ${scenario.weight} gets no VU of ${what} (${described}); use more VUs (at least ${minimumVus(weights)}) or other weights`,
    );
  };
  switch (load.kind) {
    case 'duration': {
      const shares = splitByWeight(load.vus, weights);
      if (shares.includes(0)) noVu(load.vus, `the ${load.vus} VUs`);
      return scenarios.map((scenario, i) => ({ ...common(scenario), executor: 'constant-vus', vus: shares[i]!, durationMs: load.durationMs }));
    }
    case 'iterations': {
      const vus = splitByWeight(load.vus, weights);
      if (vus.includes(0)) noVu(load.vus, `the ${load.vus} VUs`);
      const iterations = splitByWeight(load.iterations, weights);
      return scenarios.map((scenario, i) => {
        if (iterations[i]! < vus[i]!) {
          throw configError(
            'INVALID_OPTION',
            `options.scenarios.${scenario.name}: weight ${scenario.weight} gets ${iterations[i]} of the ${load.iterations} iterations for ${vus[i]} VUs (${described}); use at least as many iterations as VUs`,
          );
        }
        return { ...common(scenario), executor: 'shared-iterations', vus: vus[i]!, iterations: iterations[i]!, maxDurationMs: load.maxDurationMs };
      });
    }
    case 'stages': {
      const peak = Math.max(load.startVUs, ...load.stages.map((stage) => stage.target));
      if (splitByWeight(peak, weights).includes(0)) noVu(peak, `the peak of ${peak} VUs`);
      const starts = splitByWeight(load.startVUs, weights);
      const targets = load.stages.map((stage) => splitByWeight(stage.target, weights));
      return scenarios.map((scenario, i) => ({
        ...common(scenario),
        executor: 'ramping-vus',
        startVUs: starts[i]!,
        stages: load.stages.map((stage, s) => ({ durationMs: stage.durationMs, target: targets[s]![i]! })),
        gracefulRampDownMs: 30_000,
      }));
    }
  }
}

/** The fewest VUs that give every weight at least one. */
function minimumVus(weights: readonly number[]): number {
  for (let vus = weights.length; ; vus++) if (!splitByWeight(vus, weights).includes(0)) return vus;
}

export function weightedWithoutLoad(names: readonly string[]): never {
  throw configError(
    'INVALID_OPTION',
    `options.scenarios: the weighted scenarios ${names.map(quote).join(', ')} share the load the options give, and they give none; set vus with duration (or iterations, or stages), e.g. --vus 20 --duration 1m`,
  );
}
