/** `wsk inspect`: the options a run would use and each scenario's execution plan, as data. */
import type { Io } from '../io.js';
import { executionPlan, maxVus, scenarioDurationMs, scenarioEndMs } from '../executors/plan.js';
import { prepareScript, type ScriptRequest } from './prepare.js';

export async function inspectScript(request: ScriptRequest, io: Io): Promise<unknown> {
  const prepared = await prepareScript(request, io, { defined: () => {}, metrics: () => {} });
  await prepared.lifecycle.stop();
  return {
    options: prepared.options,
    sources: prepared.sources,
    exports: prepared.exports.functions,
    totalVUs: prepared.scenarios.reduce((sum, s) => sum + maxVus(s), 0),
    scenarios: prepared.scenarios.map((scenario) => ({
      ...scenario,
      maxVUs: maxVus(scenario),
      durationMs: scenarioDurationMs(scenario),
      maxEndMs: scenarioEndMs(scenario),
      plan: executionPlan(scenario),
    })),
  };
}
