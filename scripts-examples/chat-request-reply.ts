// A chat backend under load: each VU keeps one socket for its whole life (a module-level variable)
// and sends a question every iteration; the answer streams back in parts, correlated by id. wsk
// measures time to the first part (ws_req_ttfr) and to the end of the answer (ws_req_duration).
//   npx wsk run --serve chat scripts-examples/chat-request-reply.ts
import { check, sleep } from 'wsk';
import * as ws from 'wsk/ws';

export const options = {
  scenarios: {
    chatters: {
      executor: 'ramping-arrival-rate',
      startRate: 5,
      timeUnit: '1s',
      stages: [
        { duration: '5s', target: 40 },
        { duration: '5s', target: 40 },
      ],
      preAllocatedVUs: 20,
      maxVUs: 60,
    },
  },
  thresholds: {
    ws_req_ttfr: ['p(95)<300'],
    ws_req_duration: ['p(95)<800'],
    ws_req_failed: ['rate<0.01'],
    dropped_iterations: ['count<20'],
  },
};

type Part = { id: number; part?: number; text?: string; done?: boolean };

let socket: ws.Socket | undefined;
let nextId = 0;

export default async function () {
  if (socket === undefined || !socket.isOpen) socket = await ws.open(__ENV.WSK_TARGET ?? 'ws://127.0.0.1:8080', { tags: { name: 'chat' } });
  const id = __VU * 1_000_000 + nextId++;
  const parts = await socket.request(JSON.stringify({ id, text: 'How do I reset my password?' }), {
    match: (message) => typeof message === 'string' && (JSON.parse(message) as Part).id === id,
    until: (message) => (JSON.parse(message as string) as Part).done === true,
    timeout: 3000,
  });
  const answer = parts.map((message) => JSON.parse(message as string) as Part).filter((part) => part.done !== true);
  check(answer, { 'answer has parts': (a) => a.length > 0 });
  await sleep(0.1);
}
