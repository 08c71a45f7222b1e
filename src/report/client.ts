/**
 * The script the report runs in the browser: it reads the embedded results and chart panels (see
 * panels.ts), draws one uPlot per panel with x = seconds since the start, and keeps the charts as
 * wide as their panels. Plain ES2017 in a string, so the page needs nothing but itself; the browser
 * test is what checks it. The charts are on window.__wskCharts for that test.
 *
 * The live page (live-client.ts) has no embedded results: it calls window.__wskReport.show() with
 * the time series and plan of each event it receives.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var HEIGHT = 220;
  var COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];
  // Round steps in seconds, so the time axis reads 30s, 1m, 5m rather than 50, 100.
  var SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];
  var BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

  function number(v) {
    return Math.abs(v) >= 1000 ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
  }
  function bytes(v) {
    var exponent = v === 0 ? 0 : Math.max(0, Math.min(BYTE_UNITS.length - 1, Math.floor(Math.log10(Math.abs(v)) / 3)));
    return String(Number((v / Math.pow(1000, exponent)).toPrecision(3))) + ' ' + BYTE_UNITS[exponent];
  }
  function ms(v) {
    if (Math.abs(v) >= 1000) return number(v / 1000) + 's';
    if (v !== 0 && Math.abs(v) < 1) return number(v * 1000) + '\u00b5s';
    return number(v) + 'ms';
  }
  function seconds(v) {
    var s = Math.round(v);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), rest = s % 60;
    if (h > 0) return h + 'h' + (m > 0 ? m + 'm' : '');
    if (m > 0) return m + 'm' + (rest > 0 ? rest + 's' : '');
    return rest + 's';
  }
  var FORMATS = {
    count: number,
    perSecond: function (v) { return number(v) + '/s'; },
    ms: ms,
    bytes: bytes,
    bytesPerSecond: function (v) { return bytes(v) + '/s'; },
  };

  function read(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  // What the charts show: set by show(), once for the report, at every event on the live page.
  var timeSeries = null;
  var panels = [];
  var bucketSeconds = 1;
  var xs = [];

  function lineValues(line) {
    var column = timeSeries.series[line.series][line.column];
    return xs.map(function (_, i) {
      var value = column[i];
      // A count with no sample in a bucket is a count of 0; a latency or gauge with none is a gap.
      if (value === null || value === undefined) return line.perSecond ? 0 : null;
      return line.perSecond ? value / bucketSeconds : value;
    });
  }
  function chartData(panel) {
    return [xs].concat(panel.lines.map(lineValues));
  }

  function cssVar(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function options(panel, width) {
    var format = FORMATS[panel.unit] || number;
    var axis = cssVar('--axis'), grid = cssVar('--grid');
    var shown = function (fn) { return function (u, v) { return v === null || v === undefined ? '\u2013' : fn(v); }; };
    return {
      width: width,
      height: HEIGHT,
      scales: {
        x: { time: false },
        y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } },
      },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, incrs: SECOND_STEPS,
          values: function (u, splits) { return splits.map(seconds); } },
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: 72,
          values: function (u, splits) { return splits.map(format); } },
      ],
      series: [{ label: 'time', value: shown(seconds) }].concat(panel.lines.map(function (line, i) {
        return { label: line.label, stroke: COLORS[i % COLORS.length], width: 1.5, value: shown(format) };
      })),
    };
  }

  var charts = [];
  window.__wskCharts = charts;
  // Charts follow their panels' width, and redraw in the other palette when the colour scheme flips.
  var resize = new ResizeObserver(function () {
    charts.forEach(function (chart) {
      var width = chart.root.parentElement.clientWidth;
      if (width !== chart.width) chart.setSize({ width: width, height: HEIGHT });
    });
  });
  function draw() {
    charts.forEach(function (chart) { chart.destroy(); });
    resize.disconnect();
    charts = panels.map(function (panel) {
      var element = document.getElementById(panel.id);
      resize.observe(element);
      return new uPlot(options(panel, element.clientWidth), chartData(panel), element);
    });
    window.__wskCharts = charts;
  }

  /**
   * Shows a time series with its chart plan, the first shownBuckets buckets (all by default). A
   * new plan, or chart elements the live page replaced, are drawn anew; otherwise the charts only
   * take their new data, which keeps them in place.
   */
  function show(series, plan, shownBuckets) {
    var replanned = JSON.stringify(plan) !== JSON.stringify(panels);
    var detached = charts.some(function (chart) { return !document.body.contains(chart.root); });
    timeSeries = series;
    panels = plan;
    bucketSeconds = series.bucketMs / 1000;
    var buckets = shownBuckets === undefined ? series.buckets : Math.min(shownBuckets, series.buckets);
    xs = [];
    for (var i = 0; i < buckets; i++) xs.push(i * bucketSeconds);
    if (replanned || detached) draw();
    else charts.forEach(function (chart, i) { chart.setData(chartData(panels[i])); });
  }
  window.__wskReport = { show: show };

  var embedded = read('wsk-results');
  if (embedded !== null) show(embedded.timeSeries, read('wsk-panels'));
  var scheme = window.matchMedia('(prefers-color-scheme: dark)');
  if (scheme.addEventListener) scheme.addEventListener('change', function () { if (timeSeries !== null) draw(); });
})();
`;
