import { describe, expect, it } from 'vitest';
import { RUN_COUNTERS_BYTES } from '../../../runtime/protocol.js';
import { MAX_SCENARIOS, RUN_MEMORY_BYTES, RunMemory } from '../../../runtime/run-memory.js';

describe('RunMemory', () => {
  it('leaves wsk/data feeder counters alone and counts iterations per run and per scenario', () => {
    const buffer = new SharedArrayBuffer(RUN_MEMORY_BYTES);
    const memory = new RunMemory(buffer);
    memory.iterationEnded(1, false);
    memory.iterationEnded(1, false);
    memory.iterationEnded(1, true);
    memory.iterationEnded(0, false);
    expect([memory.iterationsCompleted, memory.iterationsInterrupted]).toEqual([3, 1]);
    expect([memory.iterationsFinished(0), memory.iterationsFinished(1), memory.iterationsFinished(2)]).toEqual([1, 2, 0]);
    expect(new Int32Array(buffer, 0, RUN_COUNTERS_BYTES / 4).every((slot) => slot === 0)).toBe(true);
  });

  it("hands out each scenario's iteration numbers once, whichever view of the memory claims them", () => {
    const buffer = new SharedArrayBuffer(RUN_MEMORY_BYTES);
    const [one, other] = [new RunMemory(buffer), new RunMemory(buffer)];
    expect([one.claimIteration(0), other.claimIteration(0), one.claimIteration(3), other.claimIteration(0)]).toEqual([0, 1, 0, 2]);
    // Outside a scenario (setup, teardown) there is nothing to claim.
    expect(one.claimIteration(-1)).toBe(0);
    expect(one.claimIteration(MAX_SCENARIOS)).toBe(0);
  });

  it('holds the VUs, the failed mark and the start times for every view', () => {
    const buffer = new SharedArrayBuffer(RUN_MEMORY_BYTES);
    const [writer, reader] = [new RunMemory(buffer), new RunMemory(buffer)];
    writer.vusInitialized = 40;
    writer.vusActiveChanged(5);
    writer.vusActiveChanged(-2);
    writer.testStartMs = 1_700_000_000_123.5;
    writer.scenarioStarted(MAX_SCENARIOS - 1, 1_700_000_001_000);
    writer.markFailed();
    expect([reader.vusInitialized, reader.vusActive, reader.markedFailed]).toEqual([40, 3, true]);
    expect([reader.testStartMs, reader.scenarioStartMs(MAX_SCENARIOS - 1), reader.scenarioStartMs(0)]).toEqual([1_700_000_000_123.5, 1_700_000_001_000, 0]);
  });
});
