/**
 * `wsk/ws` (alias `k6/ws`): WebSockets with host-timed request/reply latency and paced streams; and
 * `wsk/websockets` (aliases `k6/websockets`, `k6/experimental/websockets`): the browser-style
 * WebSocket on the same sockets.
 */
import { protocolFile } from '../files.js';
import type { Protocol } from '../types.js';
import { WS_METRICS } from './metrics.js';
import { wsReport } from './report.js';

const ws: Protocol = {
  name: 'ws',
  modules: [
    {
      id: 'wsk/ws',
      k6: 'k6/ws',
      blocking: { named: ['open', 'connect'], defaultMembers: ['open', 'connect'] },
      exports: ['open', 'connect'],
      declarations: protocolFile(import.meta.url, 'api.d.ts'),
    },
    {
      id: 'wsk/websockets',
      k6: ['k6/websockets', 'k6/experimental/websockets'],
      blocking: { named: [], defaultMembers: [] },
      exports: ['WebSocket', 'Blob'],
      declarations: protocolFile(import.meta.url, 'websockets-api.d.ts'),
    },
  ],
  sandbox: protocolFile(import.meta.url, 'sandbox.ts'),
  metrics: WS_METRICS,
  host: () => import('./host.js').then((host) => host.openWs),
  report: wsReport,
};

export default ws;
