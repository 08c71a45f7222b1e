/**
 * Facts about the running VU, its scenario, this wsk instance and the test, and control of the test
 * (k6/execution's shape and semantics).
 *
 * `exec.vu`, `exec.scenario`, `exec.instance` and `exec.test.options` throw in init code (the top
 * level of the script), as in k6; `exec.scenario`'s properties also throw in setup() and teardown(),
 * which run outside any scenario.
 */
declare const exec: {
  readonly vu: {
    /** The VU's id in this instance, from 1 (wsk runs one instance: the same as idInTest); 0 in setup() and teardown(). */
    readonly idInInstance: number;
    /** The VU's id in the test, from 1; 0 in setup() and teardown(). */
    readonly idInTest: number;
    /** The running iteration's number among all this VU's iterations, from 0. */
    readonly iterationInInstance: number;
    /** The running iteration's number among this VU's iterations of the current scenario, from 0. */
    readonly iterationInScenario: number;
    /**
     * The VU's tags: reading shows the tags its samples get (the options' `tags`, the scenario's,
     * `scenario` and `group`) with what the script set on top. A tag set here
     * (`exec.vu.tags['flow'] = 'checkout'`) goes on every sample the VU records from then on —
     * requests, WebSocket traffic, checks, custom metrics, iterations — until the VU's scenario
     * changes (a call's own `tags` still win). Values are strings; numbers and booleans become their
     * text; anything else is a TypeError naming the tag. `delete` removes a tag the script set.
     */
    tags: Record<string, string>;
    readonly metrics: {
      /** The same object as `exec.vu.tags`. */
      tags: Record<string, string>;
      /**
       * Metadata: values the script keeps on the VU like tags (same rules), which k6 attaches to
       * samples without making them tags. wsk keeps and shows them here but sends them to no output.
       */
      metadata: Record<string, string>;
    };
  };
  readonly scenario: {
    /** The running scenario's name ('default' for the shortcut options). */
    readonly name: string;
    /** Its executor, e.g. 'constant-vus' or 'shared-iterations'. */
    readonly executor: string;
    /** When it started, in ms since the Unix epoch. */
    readonly startTime: number;
    /**
     * How far it is, from 0 to 1: the share of its duration that has passed (constant-vus, the
     * ramping and arrival-rate executors), or of its iterations that have ended (per-vu-iterations,
     * shared-iterations).
     */
    readonly progress: number;
    /** The running iteration's number in the scenario, from 0 (the same as iterationInTest: wsk runs one instance). */
    readonly iterationInInstance: number;
    /** The running iteration's number in the scenario across the whole test and every worker, from 0; unique. */
    readonly iterationInTest: number;
  };
  /**
   * This instance's live counts. Iterations and VUs are counted where they happen and read from
   * memory every thread shares, so they are current to within the message that starts or ends one
   * (a few milliseconds), not a report interval.
   */
  readonly instance: {
    /** VUs running an iteration or a loop of one now. */
    readonly vusActive: number;
    /** VUs whose init code ran (every VU of the test, once it started). */
    readonly vusInitialized: number;
    /** Iterations that ran to their end, including those that threw. */
    readonly iterationsCompleted: number;
    /** Iterations the test cut short (a scenario's end, a stop). */
    readonly iterationsInterrupted: number;
    /** Milliseconds since the test started (setup() is part of it). */
    readonly currentTestRunDuration: number;
  };
  readonly test: {
    /**
     * Stops the whole test now, from init code, setup(), an iteration or teardown(): wsk prints
     * "test aborted: <reason>" with the line, stops every VU, runs teardown() (when the abort came
     * from an iteration), writes the summary and the outputs, and exits with 108. Catching what it
     * throws does not undo it.
     */
    abort(reason?: string): never;
    /**
     * Marks the test failed and lets it go on: wsk prints "test marked as failed: <reason>" and
     * exits with 110 at the end (unless the test is aborted: 108). Not available in init code.
     */
    fail(reason?: string): void;
    /**
     * The test's consolidated options as k6 shows them, frozen: `scenarios` with every default
     * filled in (durations as "30s", "1m0s"), `thresholds`, `tags` and the rest; without the
     * shortcuts `vus`, `iterations`, `duration` and `stages`, which became scenarios.
     */
    readonly options: Readonly<Record<string, unknown>>;
  };
};
export default exec;
