/**
 * The HTML report: one self-contained file that opens offline. The verdict, the thresholds, checks
 * and errors, charts over time and every metric's final values; uPlot, the stylesheet, the results
 * (as JSON) and the drawing script are all inlined, and a Content-Security-Policy forbids the page
 * any fetch, so it neither needs nor makes a network request.
 */
import type { RunResults } from '../results/types.js';
import { formatDuration } from '../summary/format.js';
import { CLIENT_SCRIPT } from './client.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { chartPanels, type ChartPanel } from './panels.js';
import { REPORT_CSS } from './style.js';
import { checksTable, errorsTable, metricsTable, thresholdsTable } from './tables.js';
import { uplotAssets } from './uplot.js';

const CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

export function renderReport(results: RunResults): string {
  const uplot = uplotAssets();
  const panels = chartPanels(results.timeSeries);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wsk report: ${escapeHtml(results.script)}</title>
<style>${uplot.css}</style>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${verdictBanner(results)}
<section id="thresholds"><h2>Thresholds</h2>
${thresholdsTable(results)}
</section>
<section id="checks"><h2>Checks</h2>
${checksTable(results.checks)}
</section>
<section id="errors"><h2>Errors by kind</h2>
${errorsTable(results.errors)}
</section>
<section id="charts"><h2>Over time</h2>
${chartsSection(panels, results.timeSeries.bucketMs)}
</section>
<section id="metrics"><h2>Metrics</h2>
${metricsTable(results.metrics)}
</section>
<footer><p>wsk ${escapeHtml(results.wsk.version)} on Node ${escapeHtml(results.wsk.node)}</p></footer>
</main>
<script type="application/json" id="wsk-results">${jsonForScript(results)}</script>
<script type="application/json" id="wsk-panels">${jsonForScript(panels)}</script>
<script>${uplot.script}</script>
<script>${CLIENT_SCRIPT}</script>
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

function verdictBanner(results: RunResults): string {
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
  return `<header class="verdict" data-verdict="${verdict}">
<h1 class="verdict-title">${escapeHtml(title)}</h1>
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
