/**
 * What a scenario will need, computed from its validated plan without running it: VUs over time (what
 * `wsk inspect` prints and what VU reservation works from), the VUs to initialise, and its times.
 */
import type { PlanStep, PlannedScenario } from '../types.js';
import { rampingVusSteps, stagesDurationMs } from './stages.js';

type RampingVus = Extract<PlannedScenario, { executor: 'ramping-vus' }>;

/**
 * VUs planned from each time on (relative to the scenario's start), ending with 0 VUs once the
 * graceful stop after the nominal duration is over, as k6's execution requirements do. Arrival-rate
 * scenarios plan all `maxVUs`, since wsk initialises them all before the run.
 */
export function executionPlan(s: PlannedScenario): PlanStep[] {
  switch (s.executor) {
    case 'constant-vus':
    case 'per-vu-iterations':
    case 'shared-iterations':
      return constantPlan(s.vus, scenarioDurationMs(s) + s.gracefulStopMs);
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return constantPlan(s.maxVUs, scenarioDurationMs(s) + s.gracefulStopMs);
    case 'ramping-vus':
      return rampingPlan(s);
  }
}

/** VUs to initialise for the scenario: the most it can ever use at once. */
export function maxVus(s: PlannedScenario): number {
  switch (s.executor) {
    case 'constant-vus':
    case 'per-vu-iterations':
    case 'shared-iterations':
      return s.vus;
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return s.maxVUs;
    case 'ramping-vus':
      return s.stages.reduce((most, stage) => Math.max(most, stage.target), s.startVUs);
  }
}

/** Nominal duration, without the graceful stop: what progress bars count down. */
export function scenarioDurationMs(s: PlannedScenario): number {
  switch (s.executor) {
    case 'constant-vus':
    case 'constant-arrival-rate':
      return s.durationMs;
    case 'per-vu-iterations':
    case 'shared-iterations':
      return s.maxDurationMs;
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return stagesDurationMs(s.stages);
  }
}

/** The latest the scenario can end, from the start of the test: start time, duration and graceful stop. */
export function scenarioEndMs(s: PlannedScenario): number {
  return s.startTimeMs + scenarioDurationMs(s) + s.gracefulStopMs;
}

function constantPlan(vus: number, endMs: number): PlanStep[] {
  return vus === 0 ? [{ atMs: 0, vus: 0 }] : [{ atMs: 0, vus }, { atMs: endMs, vus: 0 }];
}

/**
 * The ramp's VU steps, except that VUs ramped down stay planned for `gracefulRampDown` (they may still
 * be finishing an iteration): the count at t is the highest ramp value over (t − gracefulRampDown, t].
 * Every VU stays planned until the graceful stop after the end is over.
 */
function rampingPlan(s: RampingVus): PlanStep[] {
  const ramp = rampingVusSteps(s.startVUs, s.stages);
  const endMs = stagesDurationMs(s.stages) + s.gracefulStopMs;
  const grace = s.gracefulRampDownMs;
  const spans: Span[] = ramp.map((step, i) => ({ vus: step.vus, fromMs: step.atMs, untilMs: ramp[i + 1]?.atMs ?? Infinity }));
  // The count can only rise when a span starts and only fall when one leaves the window.
  const changes = mergeSorted(
    spans.map((span) => span.fromMs),
    spans.filter((span) => span.untilMs < Infinity).map((span) => span.untilMs + grace),
  );

  // Sliding-window maximum: the spans that can still be the highest, their VUs decreasing from `head` on.
  const candidates: Span[] = [];
  let head = 0;
  let entered = 0;
  const plan: PlanStep[] = [];
  for (const t of changes) {
    if (t >= endMs) break;
    for (let span = spans[entered]; span !== undefined && span.fromMs <= t; span = spans[++entered]) {
      while (candidates.length > head && (candidates.at(-1)?.vus ?? 0) <= span.vus) candidates.pop();
      candidates.push(span);
    }
    while ((candidates[head]?.untilMs ?? Infinity) <= t - grace) head++;
    const vus = candidates[head]?.vus ?? 0;
    if (plan.at(-1)?.vus !== vus) plan.push({ atMs: t, vus });
  }
  if (plan.at(-1)?.vus !== 0) plan.push({ atMs: endMs, vus: 0 });
  return plan;
}

interface Span {
  readonly vus: number;
  readonly fromMs: number;
  readonly untilMs: number;
}

function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const merged: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i] ?? Number.POSITIVE_INFINITY;
    const y = b[j] ?? Number.POSITIVE_INFINITY;
    const next = x <= y ? (i++, x) : (j++, y);
    if (merged.at(-1) !== next) merged.push(next);
  }
  return merged;
}
