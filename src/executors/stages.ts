/**
 * Ramping-VUs stage math: the whole number of VUs planned at any time of a ramp.
 *
 * Within a stage the planned count follows the straight line from the previous target to this
 * stage's target, and moves one VU at a time: it reaches each next whole number only when the line
 * does. Ramping up that is the line rounded down, ramping down the line rounded up (always toward
 * the stage's starting value), exactly as k6's execution steps: a VU is added once the line reaches
 * it and stopped once the line has passed below it. The j-th change of a stage happens at
 * `stageStart + duration * j / |target - from|`; `vusAt` and `rampingVusSteps` both use that one formula
 * so they cannot disagree through floating-point rounding. A zero-duration stage jumps to its target.
 */
import type { PlanStep, StageMs } from '../types.js';

export function stagesDurationMs(stages: readonly StageMs[]): number {
  return stages.reduce((total, stage) => total + stage.durationMs, 0);
}

/** VUs planned at `tMs` after the start; after the last stage, its target. */
export function vusAt(startVUs: number, stages: readonly StageMs[], tMs: number): number {
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    const elapsed = tMs - stageStart;
    if (elapsed < stage.durationMs) {
      if (elapsed < 0) return from;
      const change = stage.target - from;
      return from + Math.sign(change) * changesDone(Math.abs(change), stage.durationMs, stageStart, tMs);
    }
    from = stage.target;
    stageStart += stage.durationMs;
  }
  return from;
}

/**
 * Every time the planned VU count changes, from `{ atMs: 0, vus: startVUs }` to the last stage's
 * target (no final step to 0: the scenario's end is not a ramp). One step per VU added or removed.
 */
export function rampingVusSteps(startVUs: number, stages: readonly StageMs[]): PlanStep[] {
  const steps: PlanStep[] = [{ atMs: 0, vus: startVUs }];
  const add = (atMs: number, vus: number): void => {
    // A zero-duration stage can put two changes at the same time: the later one wins.
    if (steps.at(-1)?.atMs === atMs) steps.pop();
    if (steps.at(-1)?.vus !== vus) steps.push({ atMs, vus });
  };

  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    const change = stage.target - from;
    if (stage.durationMs === 0) {
      add(stageStart, stage.target);
    } else {
      const count = Math.abs(change);
      for (let j = 1; j <= count; j++) add(stageStart + changeTime(count, stage.durationMs, j), from + Math.sign(change) * j);
    }
    from = stage.target;
    stageStart += stage.durationMs;
  }
  return steps;
}

/** When the j-th of `count` evenly spread one-VU changes happens, from the start of a stage. */
function changeTime(count: number, durationMs: number, j: number): number {
  return (durationMs * j) / count;
}

/**
 * How many of `count` one-VU changes of the stage starting at `stageStart` are done at `tMs`. Compared
 * on the same sums `rampingVusSteps` produces, so a step's own time always counts as reached.
 */
function changesDone(count: number, durationMs: number, stageStart: number, tMs: number): number {
  const reached = (j: number): boolean => stageStart + changeTime(count, durationMs, j) <= tMs;
  let done = Math.min(count, Math.max(0, Math.floor((count * (tMs - stageStart)) / durationMs)));
  // The estimate can be off by one through rounding; settle it against the exact change times.
  while (done < count && reached(done + 1)) done++;
  while (done > 0 && !reached(done)) done--;
  return done;
}
