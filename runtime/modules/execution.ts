/** The `wsk/execution` module (alias `k6/execution`): live facts about the VU and its scenario. */
import type Execution from 'wsk/execution';
import type { VuState } from '../vu.js';

export function createExecutionModule(state: VuState): typeof Execution {
  const vu = {
    get idInTest() {
      return state.id;
    },
    get iterationInInstance() {
      return state.iterationInInstance;
    },
    get iterationInScenario() {
      return state.iterationInScenario;
    },
  };
  const scenario = {
    get name() {
      return state.scenario;
    },
  };
  return { vu, scenario };
}
