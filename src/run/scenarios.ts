/**
 * The test itself: every scenario's executor on its share of the VUs, from its start time on, until
 * all end or the run is stopped. Meanwhile the `vus` gauge is sampled and, when a threshold has
 * abortOnFail, the thresholds are checked every few seconds.
 */
import { sleepUnlessAborted, type Cancel } from '../clock.js';
import { getExecutor } from '../executors/index.js';
import { maxVus } from '../executors/plan.js';
import { Metric } from '../metrics/builtin.js';
import { evaluateThresholds, findAbortingThreshold } from '../thresholds/index.js';
import type { PlannedScenario, ScriptOptions, Tags, VirtualUser } from '../types.js';
import { ActiveVus } from './active-vus.js';
import type { RunContext } from './context.js';

export const THRESHOLD_EVAL_INTERVAL_MS = 2000;
export const VUS_SAMPLE_INTERVAL_MS = 1000;

/** Starts the test now and resolves when every scenario has ended. */
export async function runScenarios(run: RunContext): Promise<void> {
  const { env, pool, recorder } = run;
  run.start.mark();
  recorder.start();
  const timers: Cancel[] = [];
  try {
    if (run.settings.thresholds.some((t) => t.abortOnFail)) timers.push(env.timers.every(THRESHOLD_EVAL_INTERVAL_MS, () => checkAbort(run)));
    const active = new ActiveVus(recorder);
    timers.push(env.timers.every(VUS_SAMPLE_INTERVAL_MS, () => active.sample()));
    let firstVu = 1;
    const runs = run.script.scenarios.map((scenario, index) => {
      const vus = Array.from({ length: maxVus(scenario) }, (_, i) => pool.virtualUser(firstVu + i));
      firstVu += vus.length;
      return runScenario(run, scenario, index, vus, active);
    });
    await Promise.all(runs);
  } finally {
    for (const cancel of timers) cancel();
  }
}

/** The tags of a scenario's samples: the script's, the scenario's, and its name. */
export function scenarioTags(options: ScriptOptions, scenario: PlannedScenario): Tags {
  return { ...options.tags, ...scenario.tags, scenario: scenario.name };
}

/** `index`: the scenario's place in the plan (its slots in the shared memory wsk/execution reads). */
async function runScenario(run: RunContext, scenario: PlannedScenario, index: number, vus: VirtualUser[], active: ActiveVus): Promise<void> {
  const { env, progress, stop } = run;
  if (scenario.startTimeMs > 0 && !(await sleepUnlessAborted(env.clock, run.start.atMs + scenario.startTimeMs, stop.signal))) return;
  progress.started(scenario);
  run.shared.scenarioStarted(index, env.epochMs());
  const droppedTags = scenarioTags(run.script.options, scenario);
  await getExecutor(scenario.executor).run({
    scenario,
    clock: env.clock,
    vus,
    signal: stop.signal,
    events: {
      activeVus: (delta) => {
        active.change(delta);
        progress.active(scenario, delta);
        run.shared.vusActiveChanged(delta);
      },
      droppedIteration: () => run.recorder.addCounter(Metric.droppedIterations, 1, droppedTags),
    },
  });
  progress.finished(scenario);
}

/** Stops the run when an abortOnFail threshold fails (past its delayAbortEval). */
function checkAbort(run: RunContext): void {
  const elapsed = run.start.elapsedMs();
  const store = run.recorder.store;
  const outcomes = evaluateThresholds(run.settings.thresholds, (metric, tags) => store.snapshot(metric, tags, elapsed));
  const failing = findAbortingThreshold(outcomes, elapsed);
  if (failing !== undefined) run.stop.thresholdFailed(failing);
}
