/** `--dashboard` and `--out prometheus`: servers up before any VU starts, so a port in use stops the run at once. */
import { startDashboard, startPrometheus, type Dashboard, type MetricsEndpoint } from '../live/index.js';
import type { ListenOptions } from '../live/types.js';
import type { Output } from './types.js';

export function dashboardOutput(options: ListenOptions): Output {
  let dashboard: Dashboard | undefined;
  return {
    name: '--dashboard',
    async start({ io, live }) {
      dashboard = await startDashboard(options, live);
      io.stderr.write(`dashboard: ${dashboard.url}\n`);
    },
    stop({ results }) {
      dashboard?.finish(results);
    },
    close: () => dashboard?.close(),
  };
}

export function prometheusOutput(options: ListenOptions): Output {
  let endpoint: MetricsEndpoint | undefined;
  return {
    name: '--out prometheus',
    async start({ io, live }) {
      endpoint = await startPrometheus(options, live);
      io.stderr.write(`prometheus metrics: ${endpoint.url}\n`);
    },
    close: () => endpoint?.close(),
  };
}
