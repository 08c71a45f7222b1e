/**
 * `--dashboard [port]`: a web page showing the report's charts and tables as the test runs.
 *
 *   GET /             the live page (report/html.ts in live mode; uPlot inlined, nothing fetched
 *                     but /events)
 *   GET /events       server-sent events (events.ts): a snapshot, then an update every second,
 *                     then the final results, after which the stream ends
 *   GET /report.html  once the run is over, the HTML report as a download; 404 before
 *
 * Snapshots are taken only while some page is watching: the first client starts the updates, the
 * last one to leave stops them, and close() ends everything, so no timer outlives the dashboard.
 * Requests reach these routes through guard.ts (Host check, target check, errors answered).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIVE_REPORT_PATH, renderLivePage, renderReport } from '../report/html.js';
import { chartPanels } from '../report/panels.js';
import type { RunResults } from '../results/types.js';
import { formatEvent, liveFrame, snapshotEvent, updateEvent, type LiveFrame } from './events.js';
import { guardedServer } from './guard.js';
import { closeServer, listen } from './listen.js';
import type { Dashboard, ListenOptions, LiveSource } from './types.js';

const UPDATE_EVERY_MS = 1000;
/** A client this far behind (a stalled tab) is dropped; its browser reconnects and gets a snapshot. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const REPORT_FILE = 'wsk-report.html';

export interface DashboardOptions extends ListenOptions {
  /** How often watching pages get an update; default 1000 ms. */
  readonly updateEveryMs?: number;
}

export async function startDashboard(options: DashboardOptions, source: LiveSource): Promise<Dashboard> {
  const streams = new EventStreams(source, options.updateEveryMs ?? UPDATE_EVERY_MS);
  const server = guardedServer(options.host, (request, response, path) => answer(request, response, path, streams, source));
  const base = await listen(server, options, '--dashboard');
  let closing: Promise<void> | undefined;
  return {
    url: `${base}/`,
    finish: (final) => streams.finish(final),
    close() {
      if (closing === undefined) {
        streams.close();
        closing = closeServer(server);
      }
      return closing;
    },
  };
}

function answer(request: IncomingMessage, response: ServerResponse, path: string, streams: EventStreams, source: LiveSource): void {
  if (request.method !== 'GET') {
    return send(response, 405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET' }, 'Only GET is allowed.\n');
  }
  switch (path) {
    case '/': {
      const final = streams.final;
      const html = final === undefined ? livePage(source.snapshot(), true) : livePage(final.results, false);
      return send(response, 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, html);
    }
    case '/events':
      return streams.add(response);
    case LIVE_REPORT_PATH: {
      const report = streams.report();
      if (report === undefined) {
        return send(response, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'The report is ready when the test has finished.\n');
      }
      return send(
        response,
        200,
        { 'content-type': 'text/html; charset=utf-8', 'content-disposition': `attachment; filename="${REPORT_FILE}"` },
        report,
      );
    }
    default:
      return send(response, 404, { 'content-type': 'text/plain; charset=utf-8' }, 'Not found: the dashboard serves /, /events and /report.html.\n');
  }
}

function livePage(results: RunResults, running: boolean): string {
  return renderLivePage(results, chartPanels(results.timeSeries), running ? 'running' : 'live-final');
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** The open event streams, all at the same frame, and the updates that move them on. */
class EventStreams {
  private readonly clients = new Set<ServerResponse>();
  /** What every client has now; undefined while nobody watches. */
  private frame: LiveFrame | undefined;
  private timer: NodeJS.Timeout | undefined;
  private finalFrame: LiveFrame | undefined;
  private reportHtml: string | undefined;
  private closed = false;

  constructor(
    private readonly source: LiveSource,
    private readonly everyMs: number,
  ) {}

  get final(): LiveFrame | undefined {
    return this.finalFrame;
  }

  /** The report of the finished run, rendered on first request; undefined while it runs. */
  report(): string | undefined {
    if (this.finalFrame === undefined) return undefined;
    this.reportHtml ??= renderReport(this.finalFrame.results);
    return this.reportHtml;
  }

  add(response: ServerResponse): void {
    const head = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' };
    if (this.finalFrame !== undefined || this.closed) {
      const last = this.finalFrame === undefined ? '' : formatEvent('final', { ...snapshotEvent(this.finalFrame), report: this.report() });
      response.writeHead(200, head).end(last);
      return;
    }
    // Before the head, so a snapshot that throws is still answered with a 500.
    this.frame ??= liveFrame(this.source.snapshot(), true);
    response.writeHead(200, head);
    this.clients.add(response);
    response.on('close', () => this.remove(response));
    this.write(response, formatEvent('snapshot', snapshotEvent(this.frame)));
    this.timer ??= setInterval(() => this.update(), this.everyMs);
  }

  finish(final: RunResults): void {
    if (this.finalFrame !== undefined || this.closed) return;
    this.finalFrame = liveFrame(final, false);
    this.endAll(formatEvent('final', { ...snapshotEvent(this.finalFrame), report: this.report() }));
  }

  close(): void {
    this.closed = true;
    this.endAll('');
  }

  private update(): void {
    const previous = this.frame;
    if (previous === undefined) return;
    let next: LiveFrame;
    try {
      next = liveFrame(this.source.snapshot(), true);
    } catch {
      // A throw here would be uncaught and end the run. Ending the streams instead makes the pages
      // reconnect: they get a fresh snapshot, or a 500 naming the error if it persists.
      this.endAll('');
      return;
    }
    const update = updateEvent(previous, next);
    const text = update === undefined ? formatEvent('snapshot', snapshotEvent(next)) : formatEvent('update', update);
    this.frame = next;
    for (const client of this.clients) this.write(client, text);
  }

  private write(client: ServerResponse, text: string): void {
    // The closing handler removes it.
    if (client.writableLength > MAX_BUFFERED_BYTES) client.destroy();
    else client.write(text);
  }

  private remove(client: ServerResponse): void {
    this.clients.delete(client);
    if (this.clients.size > 0) return;
    this.stop();
    // The next page to connect gets a fresh snapshot rather than this one.
    this.frame = undefined;
  }

  private endAll(last: string): void {
    this.stop();
    for (const client of this.clients) client.end(last);
    this.clients.clear();
    this.frame = undefined;
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
