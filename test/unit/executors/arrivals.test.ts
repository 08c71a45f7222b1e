import { describe, expect, it } from 'vitest';
import { arrivalOffsets, constantArrivalOffsets } from '../../../src/executors/arrivals.js';
import { stagesDurationMs } from '../../../src/executors/stages.js';
import type { StageMs } from '../../../src/types.js';

describe('constantArrivalOffsets', () => {
  it.each([
    ['10/s for 1s', 10, 1_000, 1_000, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]],
    ['10/s for 950ms', 10, 1_000, 950, [0, 100, 200, 300, 400, 500, 600, 700, 800, 900]],
    ['10/s for 900ms (the end is exclusive)', 10, 1_000, 900, [0, 100, 200, 300, 400, 500, 600, 700, 800]],
    ['3/s for 1s, rounded to the nanosecond', 3, 1_000, 1_000, [0, 333.333333, 666.666667]],
    ['1/min for 3m', 1, 60_000, 180_000, [0, 60_000, 120_000]],
    ['rate 0', 0, 1_000, 1_000, []],
  ])('%s', (_name, rate, timeUnitMs, durationMs, offsets) => {
    expect([...constantArrivalOffsets(rate, timeUnitMs, durationMs)]).toEqual(offsets);
  });

  it('is lazy', () => {
    const offsets = constantArrivalOffsets(1_000_000, 1, Number.POSITIVE_INFINITY);
    offsets.next();
    expect(offsets.next().value).toBe(0.000_001);
  });
});

describe('arrivalOffsets', () => {
  it.each([
    ['flat 10/s: the first once one iteration has accrued', 10, 1_000, [{ durationMs: 1_000, target: 10 }], [100, 200, 300, 400, 500, 600, 700, 800, 900]],
    // area(x) = x² / 200000 → x = √(200000 k); k = 5 lands on the end and is not started.
    ['0 → 10/s over 1s', 0, 1_000, [{ durationMs: 1_000, target: 10 }], [447.213595, 632.455532, 774.596669, 894.427191]],
    // area(x) = x/100 − x²/200000 → x = 1000 − √(10⁶ − 200000 k).
    ['10/s → 0 over 1s', 10, 1_000, [{ durationMs: 1_000, target: 0 }], [105.572809, 225.403331, 367.544468, 552.786405]],
    // Stage 1 holds 1.5 iterations: the second is due 0.5 iterations into the flat stage.
    [
      'a fraction carried into the next stage',
      0,
      1_000,
      [
        { durationMs: 1_000, target: 3 },
        { durationMs: 1_000, target: 3 },
      ],
      [816.496581, 1_166.666667, 1_500, 1_833.333333],
    ],
    ['rates per minute', 60, 60_000, [{ durationMs: 2_500, target: 60 }], [1_000, 2_000]],
    [
      'a jump through a zero-duration stage',
      0,
      1_000,
      [
        { durationMs: 0, target: 10 },
        { durationMs: 500, target: 10 },
      ],
      [100, 200, 300, 400],
    ],
    ['startRate 0 and target 0', 0, 1_000, [{ durationMs: 5_000, target: 0 }], []],
    [
      'a pause at rate 0 between ramps',
      10,
      1_000,
      [
        { durationMs: 1_000, target: 0 },
        { durationMs: 1_000, target: 0 },
        { durationMs: 500, target: 4 },
        { durationMs: 1_000, target: 4 },
      ],
      [105.572809, 225.403331, 367.544468, 552.786405, 1_000, 2_500, 2_750, 3_000, 3_250],
    ],
  ])('%s', (_name, startRate, timeUnitMs, stages, offsets) => {
    const actual = [...arrivalOffsets(startRate, timeUnitMs, stages)];
    expect(actual).toHaveLength(offsets.length);
    actual.forEach((offset, i) => expect(offset).toBeCloseTo(offsets[i] ?? Number.NaN, 6));
  });

  it.each([
    ['ramp up, hold, ramp down, ramp up', 5, 1_000, [
      { durationMs: 3_000, target: 50 },
      { durationMs: 2_000, target: 50 },
      { durationMs: 4_000, target: 0 },
      { durationMs: 1_000, target: 20 },
    ]],
    ['small time unit and uneven stages', 0, 100, [
      { durationMs: 700, target: 3 },
      { durationMs: 1_300, target: 1 },
      { durationMs: 333, target: 7 },
    ]],
    ['steep ramp down to 0', 200, 1_000, [{ durationMs: 1_500, target: 0 }]],
  ])('matches numerical integration: %s', (_name, startRate, timeUnitMs, stages) => {
    const closedForm = [...arrivalOffsets(startRate, timeUnitMs, stages)];
    const reference = integratedOffsets(startRate, timeUnitMs, stages, 0.01);
    expect(closedForm).toHaveLength(reference.length);
    closedForm.forEach((offset, i) => expect(Math.abs(offset - (reference[i] ?? Number.NaN))).toBeLessThan(0.01));
  });

  it('is lazy', () => {
    const offsets = arrivalOffsets(1, 1, [{ durationMs: Number.MAX_SAFE_INTEGER, target: 1 }]);
    expect(offsets.next().value).toBe(1);
    expect(offsets.next().value).toBe(2);
  });
});

/**
 * Slow reference: walks the rate curve in `stepMs` steps, adding the area of each (trapezoid, exact
 * for a linear piece) and interpolating where the running total crosses each whole number.
 */
function integratedOffsets(startRate: number, timeUnitMs: number, stages: readonly StageMs[], stepMs: number): number[] {
  const endMs = stagesDurationMs(stages);
  const rateAt = (t: number): number => {
    let from = startRate;
    let stageStart = 0;
    for (const stage of stages) {
      if (t < stageStart + stage.durationMs) return (from + ((stage.target - from) * (t - stageStart)) / stage.durationMs) / timeUnitMs;
      from = stage.target;
      stageStart += stage.durationMs;
    }
    return from / timeUnitMs;
  };
  const offsets: number[] = [];
  let area = 0;
  for (let i = 0; i * stepMs < endMs; i++) {
    const t = i * stepMs;
    const dt = Math.min(stepMs, endMs - t);
    const added = ((rateAt(t) + rateAt(t + dt)) / 2) * dt;
    while (Math.floor(area + added) > offsets.length && offsets.length + 1 > area) {
      offsets.push(t + ((offsets.length + 1 - area) / added) * dt);
    }
    area += added;
  }
  return offsets.filter((offset) => offset < endMs);
}
