import { describe, expect, it } from 'vitest';
import { constantVus } from '../../../src/executors/constant-vus.js';
import type { PlannedScenario } from '../../../src/types.js';
import { base, harness, lasting, timeline } from './fakes.js';

const scenario = (gracefulStopMs: number, durationMs = 1_000, vus = 2): PlannedScenario => ({
  ...base,
  gracefulStopMs,
  executor: 'constant-vus',
  vus,
  durationMs,
});

describe('constant-vus', () => {
  it('loops every VU until the duration, then interrupts what runs past the graceful stop', async () => {
    const h = harness(scenario(0), 2, lasting(300));
    expect(await h.run(constantVus)).toBe(1_000);
    expect(timeline(h.iterations)).toEqual([
      [0, 0, 300, 'completed'],
      [1, 0, 300, 'completed'],
      [0, 300, 600, 'completed'],
      [1, 300, 600, 'completed'],
      [0, 600, 900, 'completed'],
      [1, 600, 900, 'completed'],
      [0, 900, 1_000, 'interrupted'],
      [1, 900, 1_000, 'interrupted'],
    ]);
    expect(h.active).toEqual([
      { atMs: 0, vus: 1 },
      { atMs: 0, vus: 2 },
      { atMs: 1_000, vus: 1 },
      { atMs: 1_000, vus: 0 },
    ]);
  });

  it('lets running iterations finish within gracefulStop, starting no new one', async () => {
    const h = harness(scenario(500), 2, lasting(300, 450));
    expect(await h.run(constantVus)).toBe(1_350);
    expect(timeline(h.iterations).filter(([, start]) => start >= 600)).toEqual([
      [0, 600, 900, 'completed'],
      [1, 900, 1_350, 'completed'],
      [0, 900, 1_200, 'completed'],
    ]);
  });

  it('interrupts an iteration still running when gracefulStop is over', async () => {
    const h = harness(scenario(500, 1_000, 1), 1, lasting(2_000));
    expect(await h.run(constantVus)).toBe(1_500);
    expect(timeline(h.iterations)).toEqual([[0, 0, 1_500, 'interrupted']]);
  });

  it('keeps a VU going after a failed iteration', async () => {
    const h = harness(scenario(0, 1_000, 1), 1, (_vu, n) => ({ durationMs: 400, result: n === 0 ? 'failed' : 'completed' }));
    await h.run(constantVus);
    expect(timeline(h.iterations)).toEqual([
      [0, 0, 400, 'failed'],
      [0, 400, 800, 'completed'],
      [0, 800, 1_000, 'interrupted'],
    ]);
  });

  it('stops everything at once when the run is aborted', async () => {
    const h = harness(scenario(30_000, 10_000), 2, lasting(300));
    const running = h.start(constantVus);
    await h.clock.advance(450);
    h.abort.abort();
    await h.clock.advance();
    expect(running.endedAt).toBe(450);
    expect(h.clock.pendingTimers).toBe(0);
    expect(timeline(h.iterations).slice(-2)).toEqual([
      [0, 300, 450, 'interrupted'],
      [1, 300, 450, 'interrupted'],
    ]);
    expect(h.active.at(-1)).toEqual({ atMs: 450, vus: 0 });
  });

  it('runs nothing when the run was aborted before it started', async () => {
    const h = harness(scenario(0), 2, lasting(300));
    h.abort.abort();
    expect(await h.run(constantVus)).toBe(0);
    expect(h.iterations).toEqual([]);
    expect(h.active).toEqual([]);
  });

  it('counts time from when run is called', async () => {
    const h = harness(scenario(0, 1_000, 1), 1, lasting(600));
    await h.clock.advance(5_000);
    expect(await h.run(constantVus)).toBe(6_000);
    expect(timeline(h.iterations)).toEqual([
      [0, 5_000, 5_600, 'completed'],
      [0, 5_600, 6_000, 'interrupted'],
    ]);
  });

  it('refuses a scenario of another executor', async () => {
    const h = harness({ ...base, executor: 'shared-iterations', vus: 1, iterations: 1, maxDurationMs: 1_000 }, 1, lasting(1));
    await expect(constantVus.run(h.context)).rejects.toThrow(TypeError);
  });
});
