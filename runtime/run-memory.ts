/**
 * The memory every thread of a run shares: one SharedArrayBuffer the coordinator makes and hands
 * to every worker and every realm. It holds wsk/data's feeder counters, then the live facts
 * wsk/execution reads without a crossing:
 *
 *   int32   [0, FEEDER_SLOTS)                       wsk/data's feeders (runtime/modules/data.ts)
 *   int32   vusActive, vusInitialized, iterationsCompleted, iterationsInterrupted, markedFailed
 *   int32   per scenario (its index in the plan): iterations started, iterations finished
 *   float64 the test's start, then each scenario's start (ms since the Unix epoch; 0 before)
 *
 * Writers: the coordinator (VUs active and initialised, the start times), the workers (iterations
 * as they end), the sandbox (an iteration claims its number in the scenario as it starts; test.fail()).
 * Counters change with Atomics; a time is written once, before anyone reads it.
 */
import { RUN_COUNTERS_BYTES } from './protocol.js';

/** Scenarios a run may have: each has its slots here. */
export const MAX_SCENARIOS = 1024;

const FEEDER_SLOTS = RUN_COUNTERS_BYTES / Int32Array.BYTES_PER_ELEMENT;
const VUS_ACTIVE = FEEDER_SLOTS;
const VUS_INITIALIZED = FEEDER_SLOTS + 1;
const ITERATIONS_COMPLETED = FEEDER_SLOTS + 2;
const ITERATIONS_INTERRUPTED = FEEDER_SLOTS + 3;
const MARKED_FAILED = FEEDER_SLOTS + 4;
/** Past the run's own slots (rounded up, so the float64s after the scenarios' slots are aligned). */
const SCENARIO_SLOTS = FEEDER_SLOTS + 8;
const INT32_SLOTS = SCENARIO_SLOTS + 2 * MAX_SCENARIOS;
const FLOAT64_OFFSET = INT32_SLOTS * Int32Array.BYTES_PER_ELEMENT;

/** Bytes of the whole shared memory. */
export const RUN_MEMORY_BYTES = FLOAT64_OFFSET + (1 + MAX_SCENARIOS) * Float64Array.BYTES_PER_ELEMENT;

export class RunMemory {
  /** The whole memory as int32 slots; wsk/data's feeders are its first ones. */
  readonly ints: Int32Array;
  readonly #times: Float64Array;

  constructor(buffer: ArrayBufferLike) {
    this.ints = new Int32Array(buffer, 0, INT32_SLOTS);
    this.#times = new Float64Array(buffer, FLOAT64_OFFSET, 1 + MAX_SCENARIOS);
  }

  get vusActive(): number {
    return Atomics.load(this.ints, VUS_ACTIVE);
  }

  /** VUs became active (`delta` > 0) or went idle. */
  vusActiveChanged(delta: number): void {
    Atomics.add(this.ints, VUS_ACTIVE, delta);
  }

  get vusInitialized(): number {
    return Atomics.load(this.ints, VUS_INITIALIZED);
  }

  set vusInitialized(count: number) {
    Atomics.store(this.ints, VUS_INITIALIZED, count);
  }

  get iterationsCompleted(): number {
    return Atomics.load(this.ints, ITERATIONS_COMPLETED);
  }

  get iterationsInterrupted(): number {
    return Atomics.load(this.ints, ITERATIONS_INTERRUPTED);
  }

  /** An iteration of scenario `scenario` ended; `interrupted` when the test cut it short. */
  iterationEnded(scenario: number, interrupted: boolean): void {
    Atomics.add(this.ints, interrupted ? ITERATIONS_INTERRUPTED : ITERATIONS_COMPLETED, 1);
    if (!interrupted && inRange(scenario)) Atomics.add(this.ints, SCENARIO_SLOTS + 2 * scenario + 1, 1);
  }

  /** The next iteration number of scenario `scenario` in the whole run, from 0 (unique across workers). */
  claimIteration(scenario: number): number {
    return inRange(scenario) ? Atomics.add(this.ints, SCENARIO_SLOTS + 2 * scenario, 1) : 0;
  }

  /** Iterations of scenario `scenario` that ran to their end (completed or failed) in the whole run. */
  iterationsFinished(scenario: number): number {
    return inRange(scenario) ? Atomics.load(this.ints, SCENARIO_SLOTS + 2 * scenario + 1) : 0;
  }

  get markedFailed(): boolean {
    return Atomics.load(this.ints, MARKED_FAILED) !== 0;
  }

  markFailed(): void {
    Atomics.store(this.ints, MARKED_FAILED, 1);
  }

  /** When the test started (setup() is part of it, as in k6): ms since the Unix epoch, 0 before. */
  get testStartMs(): number {
    return this.#times[0]!;
  }

  set testStartMs(epochMs: number) {
    this.#times[0] = epochMs;
  }

  /** When scenario `scenario` started: ms since the Unix epoch, 0 before. */
  scenarioStartMs(scenario: number): number {
    return inRange(scenario) ? this.#times[1 + scenario]! : 0;
  }

  scenarioStarted(scenario: number, epochMs: number): void {
    if (inRange(scenario)) this.#times[1 + scenario] = epochMs;
  }
}

function inRange(scenario: number): boolean {
  return scenario >= 0 && scenario < MAX_SCENARIOS;
}
