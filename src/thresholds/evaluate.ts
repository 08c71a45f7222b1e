/**
 * Evaluates parsed thresholds against metric snapshots. Pure: the caller supplies the snapshots and the
 * elapsed test time, so end-of-test and periodic (abortOnFail) checks are tested with exact numbers.
 */
import type { MetricSnapshotView, Tags } from '../types.js';
import type { ThresholdOperator, ThresholdSpec } from './parse.js';

export interface ThresholdOutcome {
  readonly spec: ThresholdSpec;
  /** The aggregate compared against the threshold; 0 when no sample matched. */
  readonly observed: number;
  readonly ok: boolean;
  /** No sample matched the metric and tags (or the aggregate was not available). */
  readonly noData: boolean;
}

/** `snapshot` returns the aggregate of a metric filtered by tags, or undefined when no sample matched. */
export function evaluateThresholds(
  specs: readonly ThresholdSpec[],
  snapshot: (metric: string, tags: Tags) => MetricSnapshotView | undefined,
): ThresholdOutcome[] {
  return specs.map((spec) => {
    const measured = snapshot(spec.metric, spec.tags)?.value(spec.expression.method);
    // k6 evaluates a metric without samples as zero, so "count>0" fails and "p(95)<500" passes.
    const observed = measured ?? 0;
    return { spec, observed, ok: holds(observed, spec.expression.operator, spec.expression.value), noData: measured === undefined };
  });
}

/** The first failed abortOnFail threshold whose delayAbortEval has passed at `elapsedMs`, if any. */
export function findAbortingThreshold(outcomes: readonly ThresholdOutcome[], elapsedMs: number): ThresholdOutcome | undefined {
  return outcomes.find((outcome) => !outcome.ok && outcome.spec.abortOnFail && elapsedMs >= outcome.spec.delayAbortEvalMs);
}

function holds(observed: number, operator: ThresholdOperator, limit: number): boolean {
  switch (operator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
    case '===':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}
