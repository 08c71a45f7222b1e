/**
 * The report's stylesheet: the system font stack, a restrained palette in CSS variables (light and
 * dark by prefers-color-scheme; the chart script reads the same variables), tables that scroll
 * sideways on a narrow window instead of overflowing it. The live page's running banner is neutral.
 */
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --card: #f6f8fa;
  --grid: rgba(31, 35, 40, 0.08); --axis: #59636e;
  --ok: #1a7f37; --ok-bg: #dafbe1; --bad: #cf222e; --bad-bg: #ffebe9;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --card: #151b23;
    --grid: rgba(230, 237, 243, 0.08); --axis: #9198a1;
    --ok: #3fb950; --ok-bg: #12261e; --bad: #f85149; --bad-bg: #2d1214;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
}
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
h2 { font-size: 18px; font-weight: 600; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.empty, .note, footer { color: var(--muted); }
.note { font-size: 12px; }

.verdict { border-radius: 8px; padding: 16px 20px; border: 1px solid; }
.verdict[data-verdict="passed"] { background: var(--ok-bg); border-color: var(--ok); }
.verdict[data-verdict="failed"] { background: var(--bad-bg); border-color: var(--bad); }
.verdict-title { margin: 0 0 8px; font-size: 24px; font-weight: 650; }
.verdict[data-verdict="passed"] .verdict-title { color: var(--ok); }
.verdict[data-verdict="failed"] .verdict-title { color: var(--bad); }
.verdict[data-verdict="running"] { background: var(--card); border-color: var(--border); }
.download { margin: 10px 0 0; }
.download a { color: inherit; font-weight: 600; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; }
.facts div { display: flex; gap: 6px; min-width: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }

.table-wrap { overflow-x: auto; }
table.data { border-collapse: collapse; width: 100%; }
table.data th, table.data td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
table.data th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.03em; }
table.data td { overflow-wrap: anywhere; }
table.data .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.failed td:first-child { box-shadow: inset 3px 0 var(--bad); }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.failed { color: var(--bad); background: var(--bad-bg); }
.submetric { padding-left: 16px; color: var(--muted); }
.stats { font-variant-numeric: tabular-nums; }
.stat { display: inline-block; margin-right: 14px; white-space: nowrap; }
.stat-name { color: var(--muted); }

.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 16px; }
.panel { background: var(--card); border: 1px solid var(--border); border-radius: 8px; padding: 12px 12px 4px; min-width: 0; }
.panel h3 { margin: 0 0 4px; font-size: 14px; font-weight: 600; }
.panel h3 .note { font-weight: 400; margin-left: 6px; }
.chart { width: 100%; min-width: 0; overflow: hidden; }
.chart .u-legend { font-size: 12px; text-align: left; }
.chart .u-legend .u-series > * { padding: 1px 4px; }
.u-select { background: var(--grid); }
@media (max-width: 520px) { main { padding: 12px; } .charts { grid-template-columns: 1fr; } }
`;
