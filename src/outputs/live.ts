/**
 * `--dashboard` and `--out prometheus`: servers up before any VU starts, so a port in use stops the
 * run at once. Their code (and Node's http under it) loads only for a run that asks for one.
 */
import type { Dashboard, ListenOptions, MetricsEndpoint } from '../live/types.js';
import type { Output } from './types.js';

export function dashboardOutput(options: ListenOptions): Output {
  let dashboard: Dashboard | undefined;
  return {
    name: '--dashboard',
    async start({ io, live }) {
      const { startDashboard } = await import('../live/dashboard.js');
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
      const { startPrometheus } = await import('../live/prometheus.js');
      endpoint = await startPrometheus(options, live);
      io.stderr.write(`prometheus metrics: ${endpoint.url}\n`);
    },
    close: () => endpoint?.close(),
  };
}
