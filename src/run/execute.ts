/**
 * A run's phases in order: the outputs start, the VUs are initialised, setup() runs, then the
 * scenarios and teardown(), and the run finishes with its results handed to the outputs. A run that
 * is stopped (signal, abortOnFail, a crashed worker) still tears down and finishes; one that fails
 * before its test starts finishes without teardown.
 */
import { ExitCode, WskError, type ExitCodeValue } from '../errors.js';
import type { Io } from '../io.js';
import type { RunContext } from './context.js';
import { finish } from './finish.js';
import { initVus, setup, teardown } from './phases.js';
import { LiveResults } from './run-results.js';
import { runScenarios } from './scenarios.js';

export async function executeRun(run: RunContext): Promise<ExitCodeValue> {
  const { io, outputs } = run;
  // Signals stay handled through teardown and the summary, so a second one always exits at once.
  const offSignal = run.stop.listen();
  try {
    try {
      await outputs.start({ io, live: new LiveResults(run) });
    } catch (error) {
      await run.pool.stop();
      return failure(io, error);
    }
    const test = await runTest(run);
    const durationMs = run.start.durationMs();
    // Teardown runs when the test was stopped too, as in k6 (not after an init or setup failure).
    const exitCode = test.exitCode === ExitCode.ok ? await teardown(run, test.setupJson) : test.exitCode;
    return await finish(run, exitCode, durationMs);
  } finally {
    offSignal();
    await outputs.close();
    await run.script.lifecycle.stop();
    run.recorder.dispose();
  }
}

/** Initialises the VUs, runs setup() and every scenario; the exit code is ok or the code of what failed. */
async function runTest(run: RunContext): Promise<{ exitCode: ExitCodeValue; setupJson: string }> {
  let setupJson = '';
  try {
    await initVus(run);
    // The test's time runs from setup() on, as k6's (exec.instance.currentTestRunDuration).
    run.shared.testStartMs = run.env.epochMs();
    setupJson = await setup(run);
    await runScenarios(run);
    return { exitCode: ExitCode.ok, setupJson };
  } catch (error) {
    return { exitCode: failure(run.io, error), setupJson };
  } finally {
    run.progress.stop();
  }
}

/** Errors while running become an exit code and a one-line message; wsk's own bugs keep their stack. */
function failure(io: Io, error: unknown): ExitCodeValue {
  if (error instanceof WskError) {
    io.stderr.write(`ERROR ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`ERROR internal error in wsk (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.internalError;
}
