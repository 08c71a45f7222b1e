import { describe, expect, it } from 'vitest';
import { Progress } from '../../../src/run/progress.js';
import { memoryIo } from '../../../src/io.js';
import type { Clock, PlannedScenario } from '../../../src/types.js';

const scenario: PlannedScenario = {
  name: 'default',
  executor: 'constant-vus',
  vus: 2,
  durationMs: 30_000,
  startTimeMs: 0,
  gracefulStopMs: 30_000,
  exec: 'default',
  env: {},
  tags: {},
};

function fakeClock(): Clock & { t: number } {
  return { t: 0, now() { return this.t; }, sleepUntil: () => Promise.resolve() };
}

describe('Progress', () => {
  it('shows elapsed time, active VUs and iterations per scenario', () => {
    const clock = fakeClock();
    const progress = new Progress(memoryIo().stderr, [scenario], clock, true);
    progress.started(scenario);
    progress.active(scenario, 2);
    progress.iterationEnded(0, 'completed');
    progress.iterationEnded(0, 'failed');
    clock.t = 12_345;
    expect(progress.lines()).toEqual(['default [=========>              ] 12.3s/30s          2 VUs  2 iterations (1 failed)']);
    progress.finished(scenario);
    expect(progress.lines()[0]).toContain('[========================] done');
  });

  it('prints plain lines, not redraws, when stderr is not a terminal', () => {
    const io = memoryIo({ tty: false });
    const progress = new Progress(io.stderr, [scenario], fakeClock(), false);
    progress.stop();
    expect(io.err()).toBe('running: default [                        ] waiting            0 VUs  0 iterations\n');
  });
});
