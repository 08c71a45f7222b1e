/** `wsk/summary` (alias `k6/summary`): the end-of-test text summary, for a script's handleSummary(data). */
export {};

/** What k6 hands `handleSummary(data)`; textSummary needs `metrics`, and reads the rest when there. */
export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  root_group?: SummaryGroup;
  options?: { summaryTrendStats?: string[]; summaryTimeUnit?: string | null; noColor?: boolean };
  state?: { isStdOutTTY?: boolean; isStdErrTTY?: boolean; testRunDurationMs?: number };
  [key: string]: unknown;
}

export interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryGroup {
  name: string;
  path: string;
  id: string;
  groups: SummaryGroup[];
  checks: { name: string; path: string; id: string; passes: number; fails: number }[];
}

/** k6-summary's options. */
export interface TextSummaryOptions {
  /** Put before every line (default ''). */
  indent?: string;
  /** ANSI colours (default true). */
  enableColors?: boolean;
}

/**
 * The summary wsk prints at the end of a test (k6 1.x's compact layout) for `data`, also after the
 * script changed it: `return { stdout: textSummary(data, { enableColors: false }), 'summary.json': JSON.stringify(data) }`.
 */
export function textSummary(data: SummaryData, options?: TextSummaryOptions): string;
