/** The live outputs: the web dashboard and the Prometheus endpoint, both fed by a LiveSource. */
export { startDashboard, DEFAULT_DASHBOARD, type DashboardOptions } from './dashboard.js';
export { startPrometheus, METRICS_PATH } from './prometheus.js';
export { prometheusText } from './exposition.js';
export type { Dashboard, ListenOptions, LiveSource, MetricsEndpoint } from './types.js';
