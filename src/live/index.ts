/** The live outputs: the web dashboard and the Prometheus endpoint, both fed by a LiveSource. */
export { startDashboard, type DashboardOptions } from './dashboard.js';
export { startPrometheus, METRICS_PATH } from './prometheus.js';
export { prometheusText } from './exposition.js';
export { DEFAULT_DASHBOARD, type Dashboard, type ListenOptions, type LiveSource, type MetricsEndpoint } from './types.js';
