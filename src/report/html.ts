/**
 * The HTML report: one self-contained file that opens offline. The verdict, the thresholds, checks
 * and errors, charts over time and every metric's final values; uPlot, the stylesheet, the results
 * (as JSON) and the drawing script are all inlined, and a Content-Security-Policy forbids the page
 * any fetch, so it neither needs nor makes a network request.
 *
 * The dashboard's live page is the same page in a live mode: the same parts and charts, kept up to
 * date by the events of the page's own server (see live-client.ts and src/live/).
 */
import type { RunResults } from '../results/types.js';
import { formatDuration } from '../summary/format.js';
import { CLIENT_SCRIPT } from './client.js';
import { LIVE_CLIENT_SCRIPT } from './live-client.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { chartPanels, type ChartPanel } from './panels.js';
import { REPORT_CSS } from './style.js';
import { checksTable, endpointsTable, errorsTable, metricsTable, thresholdsTable } from './tables.js';
import { uplotAssets } from './uplot.js';

const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
/** The live page may also open its own event stream, and nothing else. */
const LIVE_CONTENT_SECURITY_POLICY = `${CONTENT_SECURITY_POLICY}; connect-src 'self'`;
/** Where the live page offers the final report (the dashboard serves it). */
export const LIVE_REPORT_PATH = '/report.html';

/** The parts of the page, each one whole element: the live page replaces them as the run goes. */
export type PartId = 'verdict' | 'thresholds' | 'checks' | 'errors' | 'charts' | 'metrics';
export type PageParts = Readonly<Record<PartId, string>>;
export const PART_IDS: readonly PartId[] = ['verdict', 'thresholds', 'checks', 'errors', 'charts', 'metrics'];

/** What the banner says: the verdict of a finished run, or, on the live page, that it is running or has ended. */
export type Banner = 'report' | 'running' | 'live-final';

export function renderReport(results: RunResults): string {
  const panels = chartPanels(results.timeSeries);
  return page(results, pageParts(results, panels, 'report'), {
    csp: CONTENT_SECURITY_POLICY,
    title: 'wsk report',
    data: { results, panels },
    scripts: [CLIENT_SCRIPT],
  });
}

/**
 * The dashboard's page: the report's layout, parts and drawing script, with a running banner, no
 * embedded data (the event stream's first event brings it) and the live script that applies the
 * stream's events (live-client.ts). `results` and `panels` fill the parts until then.
 */
export function renderLivePage(results: RunResults, panels: readonly ChartPanel[], banner: 'running' | 'live-final'): string {
  return page(results, pageParts(results, panels, banner), {
    csp: LIVE_CONTENT_SECURITY_POLICY,
    title: 'wsk live',
    data: { results: null, panels: [] },
    scripts: [CLIENT_SCRIPT, LIVE_CLIENT_SCRIPT],
  });
}

export function pageParts(results: RunResults, panels: readonly ChartPanel[], banner: Banner): PageParts {
  return {
    verdict: banner === 'running' ? runningBanner(results) : verdictBanner(results, banner === 'live-final'),
    thresholds: `<section id="thresholds"><h2>Thresholds</h2>\n${thresholdsTable(results)}\n</section>`,
    checks: `<section id="checks"><h2>Checks</h2>\n${checksTable(results.checks)}\n</section>`,
    errors: `<section id="errors"><h2>Errors by kind</h2>\n${errorsTable(results.errors)}\n</section>`,
    charts: `<section id="charts"><h2>Over time</h2>\n${chartsSection(panels, results.timeSeries.bucketMs)}\n</section>`,
    metrics: `<section id="metrics"><h2>Metrics</h2>\n${metricsTable(results.metrics)}\n${endpointsSection(results)}</section>`,
  };
}

/** Inside the metrics part, so the live page's parts stay as they are; only final results have endpoints. */
function endpointsSection(results: RunResults): string {
  const endpoints = results.endpoints ?? [];
  if (endpoints.length === 0) return '';
  return `<h3 id="endpoints">Per endpoint</h3>\n${endpointsTable(endpoints)}\n`;
}

interface PageOptions {
  readonly csp: string;
  readonly title: string;
  /** Embedded as JSON for the drawing script; null results: nothing to draw yet. */
  readonly data: { readonly results: RunResults | null; readonly panels: readonly ChartPanel[] };
  readonly scripts: readonly string[];
}

function page(results: RunResults, parts: PageParts, options: PageOptions): string {
  const uplot = uplotAssets();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${options.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}: ${escapeHtml(results.script)}</title>
<style>${uplot.css}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${PART_IDS.map((id) => parts[id]).join('\n')}
<footer><p>wsk ${escapeHtml(results.wsk.version)} on Node ${escapeHtml(results.wsk.node)}</p></footer>
</main>
<script type="application/json" id="wsk-results">${jsonForScript(options.data.results)}</script>
<script type="application/json" id="wsk-panels">${jsonForScript(options.data.panels)}</script>
<script>${uplot.script}</script>
${options.scripts.map((script) => `<script>${script}</script>`).join('\n')}
</body>
</html>
`;
}

export type Verdict = 'passed' | 'failed';

/** Failed when a threshold failed or the run did not end well (a signal, a script error): as the exit code says. */
export function verdictOf(results: RunResults): { verdict: Verdict; title: string } {
  const failed = results.thresholds.filter((threshold) => !threshold.ok).length;
  if (failed > 0) return { verdict: 'failed', title: `Failed: ${failed} of ${results.thresholds.length} thresholds` };
  if (results.exitCode !== 0) {
    const why = results.stoppedBy === '' ? `exit code ${results.exitCode}` : `stopped by ${results.stoppedBy}`;
    return { verdict: 'failed', title: `Failed: ${why}` };
  }
  return { verdict: 'passed', title: 'Passed' };
}

function verdictBanner(results: RunResults, withDownload: boolean): string {
  const { verdict, title } = verdictOf(results);
  const facts: [string, string][] = [
    ['Script', results.script],
    ['Started', readableTime(results.startedAt)],
    ['Ended', readableTime(results.endedAt)],
    ['Duration', formatDuration(results.durationMs)],
    ['Exit code', String(results.exitCode)],
  ];
  if (results.stoppedBy !== '') facts.push(['Stopped by', results.stoppedBy]);
  const thresholds = results.thresholds.length;
  if (verdict === 'passed') facts.push(['Thresholds', thresholds === 0 ? 'none set' : `all ${thresholds} passed`]);
  const list = facts.map(([name, value]) => `<div><dt>${name}</dt><dd>${escapeHtml(value)}</dd></div>`).join('');
  const download = withDownload ? `\n<p class="download"><a href="${LIVE_REPORT_PATH}" download="wsk-report.html">Download report</a></p>` : '';
  return `<header class="verdict" data-verdict="${verdict}">
<h1 class="verdict-title">${escapeHtml(title)}</h1>
<dl class="facts">${list}</dl>${download}
</header>`;
}

/** The live page's banner while the test runs: how long it has run so far, in whole seconds. */
function runningBanner(results: RunResults): string {
  const elapsed = formatDuration(Math.floor(results.durationMs / 1000) * 1000);
  const facts: [string, string][] = [['Script', results.script]];
  if (results.startedAt !== '') facts.push(['Started', readableTime(results.startedAt)]);
  const list = facts.map(([name, value]) => `<div><dt>${name}</dt><dd>${escapeHtml(value)}</dd></div>`).join('');
  return `<header class="verdict" data-verdict="running">
<h1 class="verdict-title">Running… ${escapeHtml(elapsed)}</h1>
<dl class="facts">${list}</dl>
</header>`;
}

function chartsSection(panels: readonly ChartPanel[], bucketMs: number): string {
  if (panels.length === 0) return '<p class="empty">No time series were recorded.</p>';
  const cards = panels.map((panel) => {
    const note = panel.note === '' ? '' : `<span class="note">${escapeHtml(panel.note)}</span>`;
    const omitted = panel.omitted === 0 ? '' : `<span class="note">${panel.omitted} more not shown</span>`;
    return `<div class="panel"><h3>${escapeHtml(panel.title)}${note}${omitted}</h3><div class="chart" id="${panel.id}"></div></div>`;
  });
  return `<p class="note">One point per ${formatDuration(bucketMs)}; x is the time since the start.</p>
<noscript><p class="empty">The charts need JavaScript.</p></noscript>
<div class="charts">
${cards.join('\n')}
</div>`;
}

/** '2024-05-01T12:00:03.250Z' reads as '2024-05-01 12:00:03 UTC'; anything unparsable is shown as given. */
function readableTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
