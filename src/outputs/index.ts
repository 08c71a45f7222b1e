/**
 * The table of a run's outputs: what the flags ask for, in the order they start and stop: the
 * dashboard (its server is up first), the summary export, the summary (handleSummary or stdout),
 * every --out in the order given, then the report.
 */
import type { OutputSpec } from '../results/outputs.js';
import type { PrintSummaryInput } from '../run/results.js';
import type { ListenOptions } from '../live/types.js';
import { fileOutput, reportOutput } from './files.js';
import { dashboardOutput, prometheusOutput } from './live.js';
import { summaryExportOutput, summaryOutput } from './summary.js';
import type { Output } from './types.js';

export { OutputSet } from './set.js';
export type { FinalResults, Output, OutputContext } from './types.js';

export interface OutputsRequest {
  readonly cwd: string;
  readonly summary: PrintSummaryInput;
  readonly summaryExport?: string | undefined;
  readonly outputs?: readonly OutputSpec[] | undefined;
  readonly report?: string | undefined;
  readonly dashboard?: ListenOptions | undefined;
}

export function runOutputs(request: OutputsRequest): Output[] {
  const { cwd } = request;
  const outputs: Output[] = [];
  if (request.dashboard !== undefined) outputs.push(dashboardOutput(request.dashboard));
  if (request.summaryExport !== undefined) outputs.push(summaryExportOutput(request.summaryExport, cwd));
  outputs.push(summaryOutput(request.summary));
  for (const spec of request.outputs ?? []) outputs.push(spec.kind === 'prometheus' ? prometheusOutput(spec) : fileOutput(spec, cwd));
  if (request.report !== undefined) outputs.push(reportOutput(request.report, cwd));
  return outputs;
}
