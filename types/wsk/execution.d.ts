/** Facts about the running VU, iteration and scenario (k6/execution's shape). */
declare const exec: {
  readonly vu: {
    /** The VU's id in the test, from 1. */
    readonly idInTest: number;
    /** Iterations this VU has started in the whole test, from 0. */
    readonly iterationInInstance: number;
    /** Iterations this VU has started in the current scenario, from 0. */
    readonly iterationInScenario: number;
  };
  readonly scenario: {
    /** The running scenario's name ('default' for the shortcut options). */
    readonly name: string;
  };
};
export default exec;
