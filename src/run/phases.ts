/**
 * The phases of a run around its scenarios: initialising the VUs, setup() and teardown(). Each takes
 * the run's parts (context.ts) and throws a WskError for what ends the run before the test starts.
 * The scenarios are scenarios.ts; the end of the run (thresholds, results, outputs) is finish.ts.
 */
import { ExitCode, WskError, scriptError, type ExitCodeValue } from '../errors.js';
import type { Cancel, Timers } from '../clock.js';
import { parseDuration } from '../duration.js';
import { maxVus } from '../executors/plan.js';
import { Metric } from '../metrics/builtin.js';
import { fleetWarning, openFilesLimit } from '../net/open-files.js';
import type { PlannedScenario } from '../types.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import type { RunContext } from './context.js';
import { initFailure } from './prepare.js';
import { VuInitError } from './worker-pool.js';

/** setup() and teardown() may each run this long unless options.setupTimeout/teardownTimeout say otherwise (k6's default). */
export const DEFAULT_LIFECYCLE_TIMEOUT = '60s';

/** Every scenario's VUs. */
export function totalVus(scenarios: readonly PlannedScenario[]): number {
  return scenarios.reduce((sum, s) => sum + maxVus(s), 0);
}

/** VUs are numbered 1..total, each scenario a contiguous range; workers take them in turn. */
export async function initVus(run: RunContext): Promise<void> {
  const { io, pool, script, settings } = run;
  const total = totalVus(script.scenarios);
  const workers = pool.size;
  const crowded = fleetWarning(total, openFilesLimit());
  if (crowded !== undefined) io.stderr.write(`WARN ${crowded}\n`);
  if (!settings.quiet) io.stderr.write(`initialising ${total} VUs on ${workers} worker${workers === 1 ? '' : 's'}...\n`);
  const started = run.env.clock.now();
  try {
    await Promise.race([pool.createVus(Array.from({ length: total }, (_, i) => i + 1)), rejectOnAbort(run.stop.signal)]);
  } catch (error) {
    if (error instanceof VuInitError) throw initFailure(error.vu, error.error, script.output, error.aborted);
    throw error;
  }
  if (!settings.quiet) io.stderr.write(`initialised ${total} VUs in ${Math.round(run.env.clock.now() - started)} ms\n`);
  run.recorder.setGauge(Metric.vusMax, total);
  run.shared.vusInitialized = total;
}

/**
 * Runs setup() when the script exports it and the run was not stopped, and hands its data to the
 * VUs; resolves with the data as JSON ('' without setup).
 */
export async function setup(run: RunContext): Promise<string> {
  const { script, stop } = run;
  if (!script.exports.functions.includes('setup') || stop.signal.aborted) return '';
  const limit = timeLimit(run.env.timers, script.options.setupTimeout, 'options.setupTimeout', stop.signal);
  const outcome = await script.lifecycle.call('setup', '', limit.signal);
  limit.clear();
  if (!outcome.ok && outcome.aborted === true) stop.aborted(script.output.failure(outcome.error));
  if (outcome.ok) {
    run.pool.setupData(outcome.json);
    return outcome.json;
  }
  if (stop.signal.aborted) {
    // Not an error of the script; but without setup's data there is no test, and no teardown.
    throw new WskError('INVALID_CLI', 'stopped during setup(), before the test started; teardown() is skipped', {
      exitCode: stop.exitCode() ?? ExitCode.abortedBySignal,
    });
  }
  throw scriptError('SCRIPT_EXCEPTION', `setup() ${lifecycleFailure(run, outcome.error, 'setupTimeout', limit.text)}`);
}

/** Runs teardown(data) when the script exports it; a failure is reported and becomes the exit code. */
export async function teardown(run: RunContext, setupJson: string): Promise<ExitCodeValue> {
  const { script } = run;
  if (!script.exports.functions.includes('teardown')) return ExitCode.ok;
  const limit = timeLimit(run.env.timers, script.options.teardownTimeout, 'options.teardownTimeout');
  const outcome = await script.lifecycle.call('teardown', setupJson, limit.signal);
  limit.clear();
  if (outcome.ok) return ExitCode.ok;
  if (outcome.aborted === true) {
    run.stop.aborted(script.output.failure(outcome.error));
    return ExitCode.scriptAborted;
  }
  run.io.stderr.write(`ERROR teardown() ${lifecycleFailure(run, outcome.error, 'teardownTimeout', limit.text)}\n`);
  return ExitCode.scriptException;
}

function lifecycleFailure(run: RunContext, error: ScriptErrorInfo | null, option: string, limit: string): string {
  return error === null ? `did not finish within ${option} (${limit})` : `failed: ${run.script.output.failure(error)}`;
}

/** An abort signal for setup()/teardown(): fires after the option's duration (k6's default 60s) or with `parent`. */
function timeLimit(timers: Timers, value: string | undefined, where: string, parent?: AbortSignal): { signal: AbortSignal; clear(): void; text: string } {
  const text = value ?? DEFAULT_LIFECYCLE_TIMEOUT;
  const controller = new AbortController();
  const cancel: Cancel = timers.after(parseDuration(text, where), () => controller.abort());
  const onParent = (): void => controller.abort();
  parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    text,
    clear: () => {
      cancel();
      parent?.removeEventListener('abort', onParent);
    },
  };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  const stopped = (): WskError => new WskError('INVALID_CLI', 'stopped before the test started', { exitCode: ExitCode.abortedBySignal });
  return new Promise((_, reject) => {
    if (signal.aborted) reject(stopped());
    signal.addEventListener('abort', () => reject(stopped()), { once: true });
  });
}
