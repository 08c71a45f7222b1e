/**
 * Arrival-rate schedules: when each iteration starts, in milliseconds from the scenario's start.
 *
 * Constant rate (k6's constant-arrival-rate): iteration k (k = 0, 1, ...) starts at k * timeUnit / rate,
 * so the first starts at once.
 *
 * Ramping rate (k6's ramping-arrival-rate): the rate is piecewise linear, from `startRate` through each
 * stage's target; iteration k (k = 1, 2, ...) starts where the area under the rate curve reaches k, so
 * the first starts once one iteration's worth of rate has accumulated. Within a stage from rate F to
 * rate G (per time unit U) over D ms, the area after x ms is (F·x + (G − F)·x² / 2D) / U; solving
 * area = n for x gives x = 2nU / (F + √(F² + 2(G − F)nU / D)), the quadratic's root written so it
 * stays exact for flat stages (it becomes nU / F) and does not cancel out when F ≈ G.
 *
 * Both schedules end before the scenario's duration: no iteration starts once it is over.
 * Offsets are rounded to the nanosecond, the resolution k6 schedules with.
 */
import type { StageMs } from '../types.js';
import { stagesDurationMs } from './stages.js';

const NS_PER_MS = 1e6;
// Accumulated areas carry rounding error; an iteration due within this of a stage's end belongs to it.
const AREA_EPSILON = 1e-9;

export function* constantArrivalOffsets(rate: number, timeUnitMs: number, durationMs: number): Generator<number> {
  if (rate <= 0) return;
  for (let k = 0; ; k++) {
    const offset = toNanosecond((k * timeUnitMs) / rate);
    if (offset >= durationMs) return;
    yield offset;
  }
}

export function* arrivalOffsets(startRate: number, timeUnitMs: number, stages: readonly StageMs[]): Generator<number> {
  const endMs = stagesDurationMs(stages);
  let from = startRate;
  let stageStart = 0;
  let areaBefore = 0; // iterations' worth of area before this stage (fractional)
  let next = 1; // the next iteration is due when the area reaches this
  for (const stage of stages) {
    const to = stage.target;
    const stageArea = (stage.durationMs * (from + to)) / (2 * timeUnitMs);
    const areaAfter = areaBefore + stageArea;
    for (; next <= areaAfter + AREA_EPSILON * Math.max(1, areaAfter); next++) {
      const x = Math.min(stage.durationMs, offsetInStage(from, to, stage.durationMs, timeUnitMs, next - areaBefore));
      const offset = toNanosecond(stageStart + x);
      if (offset >= endMs) return;
      yield offset;
    }
    areaBefore = areaAfter;
    from = to;
    stageStart += stage.durationMs;
  }
}

/** Where, in a stage ramping from rate `from` to `to`, the area under the rate reaches `need` iterations. */
function offsetInStage(from: number, to: number, durationMs: number, timeUnitMs: number, need: number): number {
  const scaled = need * timeUnitMs;
  const discriminant = Math.max(0, from * from + (2 * (to - from) * scaled) / durationMs);
  return (2 * scaled) / (from + Math.sqrt(discriminant));
}

function toNanosecond(ms: number): number {
  return Math.round(ms * NS_PER_MS) / NS_PER_MS;
}
