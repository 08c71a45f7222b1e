/**
 * What wsk/execution tells a script about its test (runtime/protocol.ts `TestInfo`): the options as
 * k6 shows them in `exec.test.options`, and each planned scenario's executor, tags and what its
 * progress measures. Made once by the coordinator and handed to every realm as JSON.
 *
 * k6 shows its consolidated options: the shortcuts (vus, iterations, duration, stages) are gone into
 * `scenarios`, every scenario has its defaults filled in, durations read as Go writes them ("1m0s").
 */
import type { TestInfo, TestScenarioInfo } from '../../runtime/protocol.js';
import type { PlannedScenario, ScriptOptions, StageMs, ThresholdInput } from '../types.js';
import { DEFAULT_TREND_STATS } from '../metrics/view.js';
import { DEFAULT_SYSTEM_TAGS } from '../metrics/tags.js';
import { scenarioDurationMs } from '../executors/plan.js';
import { DEFAULT_LIFECYCLE_TIMEOUT } from './phases.js';
import { scenarioTags } from './scenarios.js';
import { parseDuration } from '../duration.js';

/** Options that only shape the plan (now in `scenarios`) or only wsk reads. */
const NOT_SHOWN = ['vus', 'iterations', 'duration', 'stages', 'profiles'];

export function testInfo(options: ScriptOptions, scenarios: readonly PlannedScenario[]): TestInfo {
  return { options: testOptions(options, scenarios), scenarios: scenarios.map((s) => scenarioInfo(options, s)) };
}

/** `exec.test.options`: the options as k6 shows them. */
export function testOptions(options: ScriptOptions, scenarios: readonly PlannedScenario[]): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (!NOT_SHOWN.includes(key)) shown[key] = value;
  shown['scenarios'] = Object.fromEntries(scenarios.map((s) => [s.name, scenarioOptions(s)]));
  shown['setupTimeout'] = goDuration(parseDuration(options.setupTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT, 'options.setupTimeout'));
  shown['teardownTimeout'] = goDuration(parseDuration(options.teardownTimeout ?? DEFAULT_LIFECYCLE_TIMEOUT, 'options.teardownTimeout'));
  shown['summaryTrendStats'] = options.summaryTrendStats ?? [...DEFAULT_TREND_STATS];
  shown['systemTags'] = options.systemTags ?? [...DEFAULT_SYSTEM_TAGS];
  shown['tags'] = options.tags ?? null;
  shown['thresholds'] = thresholds(options.thresholds);
  return shown;
}

/** One scenario as k6 writes it: the common fields, then its executor's, every default filled in. */
function scenarioOptions(s: PlannedScenario): Record<string, unknown> {
  const common = {
    executor: s.executor,
    startTime: goDuration(s.startTimeMs),
    gracefulStop: goDuration(s.gracefulStopMs),
    env: { ...s.env },
    exec: s.exec,
    tags: { ...s.tags },
  };
  switch (s.executor) {
    case 'constant-vus':
      return { ...common, vus: s.vus, duration: goDuration(s.durationMs) };
    case 'ramping-vus':
      return { ...common, startVUs: s.startVUs, stages: stages(s.stages), gracefulRampDown: goDuration(s.gracefulRampDownMs) };
    case 'per-vu-iterations':
    case 'shared-iterations':
      return { ...common, vus: s.vus, iterations: s.iterations, maxDuration: goDuration(s.maxDurationMs) };
    case 'constant-arrival-rate':
      return { ...common, rate: s.rate, timeUnit: goDuration(s.timeUnitMs), duration: goDuration(s.durationMs), preAllocatedVUs: s.preAllocatedVUs, maxVUs: s.maxVUs };
    case 'ramping-arrival-rate':
      return { ...common, startRate: s.startRate, timeUnit: goDuration(s.timeUnitMs), preAllocatedVUs: s.preAllocatedVUs, maxVUs: s.maxVUs, stages: stages(s.stages) };
    default: {
      const never: never = s;
      throw new Error(`unknown executor ${JSON.stringify(never)}`);
    }
  }
}

function scenarioInfo(options: ScriptOptions, s: PlannedScenario): TestScenarioInfo {
  const progress =
    s.executor === 'per-vu-iterations' ? { iterations: s.vus * s.iterations } : s.executor === 'shared-iterations' ? { iterations: s.iterations } : { durationMs: scenarioDurationMs(s) };
  return { name: s.name, executor: s.executor, tags: scenarioTags(options, s), progress };
}

function stages(list: readonly StageMs[]): { duration: string; target: number }[] {
  return list.map((stage) => ({ duration: goDuration(stage.durationMs), target: stage.target }));
}

/** k6's form of thresholds: a plain expression stays a string, one with abortOnFail is an object. */
function thresholds(given: ScriptOptions['thresholds']): Record<string, ThresholdInput[]> {
  const shown: Record<string, ThresholdInput[]> = {};
  for (const [metric, value] of Object.entries(given ?? {})) {
    shown[metric] = (Array.isArray(value) ? value : [value]).map((t): ThresholdInput => {
      if (typeof t === 'string' || t.abortOnFail !== true) return typeof t === 'string' ? t : t.threshold;
      return t.delayAbortEval === undefined ? { threshold: t.threshold, abortOnFail: true } : { threshold: t.threshold, abortOnFail: true, delayAbortEval: t.delayAbortEval };
    });
  }
  return shown;
}

/** A duration as Go's time.Duration prints it, as k6 shows durations: "0s", "500ms", "1.5s", "1m0s", "1h2m3s". */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${goDuration(-ms)}`;
  if (ms < 1000) return `${trim(ms)}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${trim((ms % 60_000) / 1000)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** A number without float noise (0.1 + 0.2) or trailing zeros. */
function trim(value: number): string {
  return String(Number(value.toFixed(9)));
}
