/**
 * `--out prometheus[=127.0.0.1:9464]`: a /metrics endpoint that Prometheus scrapes during the run.
 * Each scrape takes a snapshot of the run's metrics and writes them in the text format (exposition.ts).
 * Requests reach it through guard.ts: a scrape must name the endpoint by IP address, localhost or
 * the host it was bound to, since other Host headers are refused.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXPOSITION_CONTENT_TYPE, prometheusText } from './exposition.js';
import { guardedServer } from './guard.js';
import { closeServer, listen } from './listen.js';
import type { ListenOptions, LiveSource, MetricsEndpoint } from './types.js';

export const METRICS_PATH = '/metrics';

export async function startPrometheus(options: ListenOptions, source: LiveSource): Promise<MetricsEndpoint> {
  const server = guardedServer(options.host, (request, response, path) => answer(request, response, path, source));
  const base = await listen(server, options, '--out prometheus');
  let closing: Promise<void> | undefined;
  return {
    url: `${base}${METRICS_PATH}`,
    close() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}

function answer(request: IncomingMessage, response: ServerResponse, path: string, source: LiveSource): void {
  if (path !== METRICS_PATH) return send(response, 404, 'text/plain; charset=utf-8', `Not found: metrics are at ${METRICS_PATH}.\n`);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD are allowed.\n');
  }
  send(response, 200, EXPOSITION_CONTENT_TYPE, prometheusText(source.snapshot().metrics));
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  response.end(body);
}
