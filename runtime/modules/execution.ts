/** The `wsk/execution` module (alias `k6/execution`): live facts about the VU and its scenario. */
import type Execution from 'wsk/execution';
import type { VuState } from '../vu.js';

/** Its objects are frozen like every module object a script gets (vu.ts freezes only the top level). */
export function createExecutionModule(state: VuState): typeof Execution {
  const vu = Object.freeze({
    get idInTest() {
      return state.id;
    },
    get iterationInInstance() {
      return state.iterationInInstance;
    },
    get iterationInScenario() {
      return state.iterationInScenario;
    },
  });
  const scenario = Object.freeze({
    get name() {
      return state.scenario;
    },
  });
  return Object.freeze({ vu, scenario });
}
