/**
 * How a run is stopped before its scenarios end: by a stop signal (Ctrl+C, SIGTERM), by an
 * abortOnFail threshold, by the script (exec.test.abort()) or by a crashed worker thread. The first reason wins; it aborts the one
 * signal that VU creation, setup() and the executors watch, and decides the exit code and the
 * results' `stoppedBy`. A second stop signal exits the process at once, without teardown or summary.
 */
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Io, StopSignal } from '../io.js';
import type { ThresholdOutcome } from '../thresholds/index.js';

export type StopReason =
  | { readonly kind: 'signal'; readonly signal: StopSignal }
  | { readonly kind: 'threshold'; readonly outcome: ThresholdOutcome }
  | { readonly kind: 'abort'; readonly text: string }
  | { readonly kind: 'crash'; readonly error: Error };

/** What each reason makes of the run: its `stoppedBy` in the results and its exit code (k6's). */
const STOPPED = {
  signal: { stoppedBy: 'signal', exitCode: ExitCode.abortedBySignal },
  threshold: { stoppedBy: 'threshold', exitCode: ExitCode.thresholdsFailed },
  abort: { stoppedBy: 'script abort', exitCode: ExitCode.scriptAborted },
  crash: { stoppedBy: 'worker crash', exitCode: ExitCode.internalError },
} as const satisfies Record<StopReason['kind'], { stoppedBy: string; exitCode: ExitCodeValue }>;

export class StopController {
  readonly #io: Pick<Io, 'stderr' | 'onSignal' | 'exit'>;
  readonly #abort = new AbortController();
  #reason: StopReason | undefined;
  #signals = 0;

  constructor(io: Pick<Io, 'stderr' | 'onSignal' | 'exit'>) {
    this.#io = io;
  }

  /** Aborts when the run is stopped. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** The first reason the run was stopped for, if it was. */
  get reason(): StopReason | undefined {
    return this.#reason;
  }

  /** Handles stop signals until the returned function is called. */
  listen(): () => void {
    return this.#io.onSignal((signal) => this.signalled(signal));
  }

  /** The first signal stops the run gracefully; the next one exits the process now. */
  signalled(signal: StopSignal): void {
    this.#signals++;
    if (this.#signals > 1) {
      this.#io.exit(ExitCode.abortedBySignal, `\n${signal} again: exiting now, without teardown or summary\n`);
      return;
    }
    this.#io.stderr.write(`\n${signal} received: stopping the test (teardown and summary follow; press Ctrl+C again to exit at once)\n`);
    this.#request({ kind: 'signal', signal });
  }

  /** An abortOnFail threshold failed. */
  thresholdFailed(outcome: ThresholdOutcome): void {
    this.#io.stderr.write(`ERROR test aborted: threshold "${outcome.spec.expression.source}" on ${outcome.spec.key} failed (abortOnFail)\n`);
    this.#request({ kind: 'threshold', outcome });
  }

  /** The script called exec.test.abort(): `text` says why and where ("test aborted: no token at script.js:4:9"). Only the first is told. */
  aborted(text: string): void {
    if (this.#reason !== undefined) return;
    this.#io.stderr.write(`ERROR ${text}\n`);
    this.#request({ kind: 'abort', text });
  }

  /** A worker thread died. */
  crashed(error: Error): void {
    this.#io.stderr.write(`ERROR a worker thread failed: ${error.message}; stopping the test\n`);
    this.#request({ kind: 'crash', error });
  }

  /** What stopped the run, as the results say it: 'signal', 'threshold', 'script abort', 'worker crash', or '' when nothing did. */
  stoppedBy(): string {
    return this.#reason === undefined ? '' : STOPPED[this.#reason.kind].stoppedBy;
  }

  /** The exit code of a run stopped this way (undefined when nothing stopped it). */
  exitCode(): ExitCodeValue | undefined {
    return this.#reason === undefined ? undefined : STOPPED[this.#reason.kind].exitCode;
  }

  #request(reason: StopReason): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#abort.abort();
  }
}
