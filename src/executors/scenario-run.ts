/**
 * The stop rules every executor shares, for one run of one scenario:
 * - time 0 is when the run starts (`clock.now()` at construction);
 * - no iteration starts once the regular duration is over;
 * - iterations still running `gracefulStop` after that are interrupted;
 * - the whole run's abort signal interrupts everything at once.
 * Each VU has an AbortController of its own, reused across its iterations until it is aborted, so one
 * VU can be interrupted alone (ramping down) without allocating a controller per iteration.
 */
import { sleepUnlessAborted } from '../clock.js';
import { quote } from '../errors.js';
import type { ExecutorContext, ExecutorName, IterationResult, LoopResult, PlannedScenario, VirtualUser } from '../types.js';

/** The context's scenario, checked to be of `executor` (the coordinator pairs them; a mismatch is a bug). */
export function scenarioFor<E extends ExecutorName>(context: ExecutorContext, executor: E): Extract<PlannedScenario, { executor: E }> {
  const { scenario } = context;
  if (scenario.executor !== executor) {
    throw new TypeError(`the ${executor} executor was given scenario ${quote(scenario.name)} of executor ${scenario.executor}`);
  }
  return scenario as Extract<PlannedScenario, { executor: E }>;
}

export class ScenarioRun {
  readonly startMs: number;
  private readonly regularEndMs: number;
  private readonly hardEndMs: number;
  /** Aborts when no new iteration may start. */
  private readonly stopping = new AbortController();
  /** Aborts when this run is over, cancelling its pending timers. */
  private readonly finished = new AbortController();
  /**
   * Interrupts every iteration and loop started without a controller of its own: one for the whole
   * fleet, since those are only ever interrupted all together (a controller per VU cost a 10,000-VU
   * run a megabyte and 100 ms of the coordinator's).
   */
  private readonly everyIteration = new AbortController();
  /** The controllers of the iterations that have their own (ramping-vus stops VUs one by one), while they run. */
  private readonly running = new Set<AbortController>();
  private interrupted = false;
  private tasks = 0;
  private onIdle: (() => void) | undefined;
  private readonly onRunAbort = (): void => this.interruptAll();
  /** How a VU's own loop ends (loopUpTo): shared by the fleet. */
  private readonly loopEnded = (result: LoopResult): number => {
    this.activate(-1);
    return result.completed + result.failed + result.interrupted;
  };
  private readonly loopFailed = (error: unknown): never => {
    this.activate(-1);
    throw error;
  };

  constructor(
    private readonly context: ExecutorContext,
    regularDurationMs: number,
  ) {
    this.startMs = context.clock.now();
    this.regularEndMs = this.startMs + regularDurationMs;
    this.hardEndMs = this.regularEndMs + context.scenario.gracefulStopMs;
    if (context.signal.aborted) this.interruptAll();
    else context.signal.addEventListener('abort', this.onRunAbort, { once: true });
    void this.enforceEnds();
  }

  /** Whether a new iteration may start now. */
  get acceptsIterations(): boolean {
    return !this.stopping.signal.aborted && this.context.clock.now() < this.regularEndMs;
  }

  /** Sleeps until `offsetMs` after the start: true if reached with iterations still accepted, false once stopping. */
  async sleepUntil(offsetMs: number): Promise<boolean> {
    const reached = await sleepUnlessAborted(this.context.clock, this.startMs + offsetMs, this.stopping.signal);
    return reached && this.acceptsIterations;
  }

  /** Runs one iteration of `vu`; `controller` lets the caller interrupt this iteration alone. */
  async iterate(vu: VirtualUser, controller?: AbortController): Promise<IterationResult> {
    if (controller === undefined) return vu.runIteration(this.context.scenario, this.everyIteration.signal);
    if (this.interrupted) controller.abort();
    this.running.add(controller);
    try {
      return await vu.runIteration(this.context.scenario, controller.signal);
    } finally {
      this.running.delete(controller);
    }
  }

  /**
   * Runs iterations on `vu` while iterations are accepted and `take()` grants one (asked in that order,
   * so a refused start consumes nothing). The VU counts as active from its first iteration to the end
   * of its last.
   */
  async loop(vu: VirtualUser, take: () => boolean): Promise<void> {
    let active = false;
    while (this.acceptsIterations && take()) {
      if (!active) this.activate(1);
      active = true;
      await this.iterate(vu);
    }
    if (active) this.activate(-1);
  }

  /**
   * Like `loop` for a VU that may run up to `maxIterations` (Infinity: no limit) until the regular
   * end; uses the VU's own loop when it has one. Resolves with the number of iterations started.
   *
   * Not an async function: a fleet waits here a VU each, and an async function's suspended frame
   * (its generator, registers and the reactions of its await) cost a 10,000-VU run 6 MB of the
   * coordinator's heap. A VU's wait is now the promise of its loop and one `then`, with handlers
   * every VU shares.
   */
  loopUpTo(vu: VirtualUser, maxIterations: number): Promise<number> {
    if (vu.runLoop === undefined || maxIterations <= 0 || !this.acceptsIterations) {
      let started = 0;
      return this.loop(vu, () => started < maxIterations && ++started > 0).then(() => started);
    }
    const untilEpochMs = performance.timeOrigin + performance.now() + (this.regularEndMs - this.context.clock.now());
    this.activate(1);
    let looping: Promise<LoopResult>;
    try {
      looping = vu.runLoop(this.context.scenario, { untilEpochMs, maxIterations }, this.everyIteration.signal);
    } catch (error) {
      // A VU that throws instead of rejecting still stops counting as active.
      looping = Promise.reject(error);
    }
    return looping.then(this.loopEnded, this.loopFailed);
  }

  /** Reports VUs starting (+) or stopping (-) being busy in this scenario. */
  activate(delta: number): void {
    this.context.events.activeVus(delta);
  }

  /** Reports `count` iterations that were due but could not start; not when the whole run was aborted. */
  dropped(count = 1): void {
    if (this.context.signal.aborted) return;
    for (let i = 0; i < count; i++) this.context.events.droppedIteration(this.context.scenario);
  }

  /** Runs `task` in the background, counted until it settles (see `whenIdle`). */
  spawn(task: () => Promise<void>): void {
    this.tasks++;
    void task().finally(() => {
      this.tasks--;
      if (this.tasks === 0) this.onIdle?.();
    });
  }

  /** Resolves once no spawned task is running. */
  whenIdle(): Promise<void> {
    if (this.tasks === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onIdle = resolve;
    });
  }

  /** Ends the run: cancels its timers and stops listening to the run's abort signal. */
  finish(): void {
    this.stopping.abort();
    this.finished.abort();
    this.context.signal.removeEventListener('abort', this.onRunAbort);
  }

  private async enforceEnds(): Promise<void> {
    const { clock } = this.context;
    if (!(await sleepUnlessAborted(clock, this.regularEndMs, this.finished.signal))) return;
    this.stopping.abort();
    if (!(await sleepUnlessAborted(clock, this.hardEndMs, this.finished.signal))) return;
    this.interruptAll();
  }

  private interruptAll(): void {
    this.interrupted = true;
    this.stopping.abort();
    this.everyIteration.abort();
    for (const controller of this.running) controller.abort();
  }
}
