/**
 * The live page's script (the dashboard, src/live/): it opens the page's own event stream and keeps
 * a copy of the results up to date from its events (see src/live/events.ts for their shape): a
 * snapshot or final event replaces it, an update extends each series' columns and overwrites the
 * buckets that changed. After each event it swaps in the page parts the server re-rendered (banner,
 * tables) and hands the time series to the report's drawing script (client.ts). While the test runs
 * the newest bucket is still filling, so the charts leave it out until the end.
 * Plain ES2017 in a string, like client.ts; the state is on window.__wskLive for the browser test.
 */
export const LIVE_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var report = window.__wskReport;
  var live = { results: null, keys: [], panels: [], running: true, events: 0 };
  window.__wskLive = live;

  function replaceParts(parts) {
    Object.keys(parts).forEach(function (id) {
      var element = id === 'verdict' ? document.querySelector('header.verdict') : document.getElementById(id);
      if (element) element.outerHTML = parts[id];
    });
  }

  function render() {
    var timeSeries = live.results.timeSeries;
    report.show(timeSeries, live.panels, live.running ? timeSeries.buckets - 1 : timeSeries.buckets);
  }

  function load(event) {
    live.results = event.results;
    live.keys = event.keys;
    live.panels = event.panels;
    live.running = event.running;
    replaceParts(event.parts);
    render();
  }

  // The columns of a series grown (or cut) to the bucket count, then overwritten from update.from on.
  function updatedSeries(old, update, buckets) {
    var series = old;
    if (update.added) {
      series = { metric: update.added.metric, type: update.added.type, contains: update.added.contains, tags: update.added.tags };
    }
    var columns = update.columns || {};
    var names = Object.keys(columns).concat(Object.keys(series).filter(function (name) { return Array.isArray(series[name]); }));
    names.forEach(function (name) {
      var values = (series[name] || []).slice(0, buckets);
      while (values.length < buckets) values.push(null);
      var changed = columns[name];
      if (changed) for (var i = 0; i < changed.length; i++) values[update.from + i] = changed[i];
      series[name] = values;
    });
    return series;
  }

  function apply(update) {
    var results = live.results;
    if (results === null) return;
    var byKey = {};
    results.timeSeries.series.forEach(function (series, i) { byKey[live.keys[i]] = series; });
    var series = update.series.map(function (change) {
      return updatedSeries(byKey[change.key] || {}, change, update.buckets);
    });
    live.keys = update.series.map(function (change) { return change.key; });
    results.timeSeries = {
      bucketMs: results.timeSeries.bucketMs,
      startMs: results.timeSeries.startMs,
      buckets: update.buckets,
      series: series,
    };
    results.durationMs = update.durationMs;
    results.metrics = update.metrics;
    results.thresholds = update.thresholds;
    results.checks = update.checks;
    results.errors = update.errors;
    if (update.panels) live.panels = update.panels;
    replaceParts(update.parts);
    render();
  }

  function on(name, handle) {
    source.addEventListener(name, function (message) {
      live.events++;
      handle(JSON.parse(message.data));
    });
  }
  var source = new EventSource('/events');
  on('snapshot', load);
  on('update', apply);
  // The run is over and the stream ends: closing it keeps the browser from reconnecting.
  on('final', function (event) {
    source.close();
    load(event);
    // The report travels with the final event, so it stays downloadable after wsk (and this server) exit.
    var link = document.querySelector('.download a');
    if (link && typeof event.report === 'string') {
      link.href = URL.createObjectURL(new Blob([event.report], { type: 'text/html' }));
    }
  });
})();
`;
