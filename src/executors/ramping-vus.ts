/**
 * ramping-vus: the number of looping VUs follows the stages (see stages.ts for the ramp's steps).
 * VUs are taken lowest index first and released highest first. A VU above the target starts no new
 * iteration; one it is running may finish within `gracefulRampDown`, then it is interrupted. If the
 * target climbs back before that, the VU just keeps looping.
 */
import { sleepUnlessAborted } from '../clock.js';
import type { Executor, VirtualUser } from '../types.js';
import { ScenarioRun, scenarioFor } from './scenario-run.js';
import { rampingVusSteps, stagesDurationMs } from './stages.js';

interface Slot {
  readonly vu: VirtualUser;
  /** Within the current target: may start iterations. */
  wanted: boolean;
  looping: boolean;
  /** Interrupts the iteration running now. */
  iteration: AbortController | undefined;
  /** Cancels the pending graceful ramp-down interruption. */
  rampDown: AbortController | undefined;
}

export const rampingVus: Executor = {
  async run(context) {
    const scenario = scenarioFor(context, 'ramping-vus');
    const durationMs = stagesDurationMs(scenario.stages);
    const run = new ScenarioRun(context, durationMs);
    const slots: Slot[] = context.vus.map((vu) => ({ vu, wanted: false, looping: false, iteration: undefined, rampDown: undefined }));

    const loop = async (slot: Slot): Promise<void> => {
      slot.looping = true;
      let active = false;
      while (slot.wanted && run.acceptsIterations) {
        if (!active) run.activate(1);
        active = true;
        slot.iteration = new AbortController();
        await run.iterate(slot.vu, slot.iteration);
        slot.iteration = undefined;
        cancelRampDown(slot);
      }
      if (active) run.activate(-1);
      slot.looping = false;
    };

    const want = (slot: Slot): void => {
      slot.wanted = true;
      cancelRampDown(slot);
      if (!slot.looping) run.spawn(() => loop(slot));
    };

    const release = (slot: Slot): void => {
      slot.wanted = false;
      const iteration = slot.iteration;
      if (iteration === undefined) return;
      if (scenario.gracefulRampDownMs === 0) {
        iteration.abort();
        return;
      }
      const rampDown = new AbortController();
      slot.rampDown = rampDown;
      const deadline = context.clock.now() + scenario.gracefulRampDownMs;
      void sleepUnlessAborted(context.clock, deadline, rampDown.signal).then((reached) => {
        if (reached) iteration.abort();
      });
    };

    let target = 0;
    const setTarget = (vus: number): void => {
      for (let i = target; i < vus; i++) withSlot(slots[i], want);
      for (let i = target - 1; i >= vus; i--) withSlot(slots[i], release);
      target = vus;
    };

    try {
      // The end of the stages is not a ramp-down: from then on the graceful stop applies.
      for (const step of rampingVusSteps(scenario.startVUs, scenario.stages)) {
        if (step.atMs >= durationMs || !(await run.sleepUntil(step.atMs))) break;
        setTarget(Math.min(step.vus, slots.length));
      }
      await run.whenIdle();
    } finally {
      run.finish();
    }
  },
};

function cancelRampDown(slot: Slot): void {
  slot.rampDown?.abort();
  slot.rampDown = undefined;
}

function withSlot(slot: Slot | undefined, action: (slot: Slot) => void): void {
  if (slot !== undefined) action(slot);
}
