export { parseThresholds, parseMetricKey, parseExpression } from './parse.js';
export type { MetricLookup, ThresholdExpression, ThresholdOperator, ThresholdSpec } from './parse.js';
export { evaluateThresholds, findAbortingThreshold } from './evaluate.js';
export type { ThresholdOutcome } from './evaluate.js';
