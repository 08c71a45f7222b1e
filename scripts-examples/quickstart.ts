// The quickstart: VUs ramp up, chat over WebSocket with the built-in chat target, and ramp down.
// Each VU keeps one socket for its whole life and asks a question per iteration; the answer streams
// back in parts. Thresholds fail the run (exit 99) if answers get slow or requests fail.
//   npx wsk run --serve chat scripts-examples/quickstart.ts
import { check, sleep } from 'wsk';
import * as ws from 'wsk/ws';

export const options = {
  stages: [
    { duration: '3s', target: 20 },
    { duration: '5s', target: 20 },
    { duration: '2s', target: 0 },
  ],
  thresholds: {
    ws_req_ttfr: ['p(95)<250'], // question sent → first part of the answer
    ws_req_duration: ['p(95)<500'], // question sent → answer complete
    ws_req_failed: ['rate<0.01'],
    ws_connection_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

type Reply = { id: number; part?: number; text?: string; done?: boolean };

let socket: ws.Socket | undefined;

export default async function () {
  if (socket === undefined || !socket.isOpen) socket = await ws.open(__ENV.WSK_TARGET ?? 'ws://127.0.0.1:8080');
  const id = __VU * 100_000 + __ITER;
  const replies = await socket.request(JSON.stringify({ id, text: 'hello' }), {
    match: (message) => typeof message === 'string' && (JSON.parse(message) as Reply).id === id,
    until: (message) => (JSON.parse(message as string) as Reply).done === true,
  });
  check(replies, { 'answer complete': (r) => r.length > 1 });
  await sleep(0.5);
}
