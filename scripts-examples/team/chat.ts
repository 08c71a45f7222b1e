// The load test a team keeps next to its chat service: this script, wsk.yaml (the load shape of
// each profile, the thresholds CI gates on), .env.example (what to set per environment) and data/.
//   npx wsk run chat.ts --profile smoke --serve chat        (against wsk's own chat target)
//   npx wsk run chat.ts --profile load --env-file .env       (against the service .env names)
import { check, sleep } from 'wsk';
import { SharedArray, parseCsv } from 'wsk/data';
import * as ws from 'wsk/ws';

export const options = {
  // Two kinds of users; every profile's VUs are shared 3 to 1 between them.
  scenarios: {
    chatters: { weight: 3, exec: 'chatter', tags: { kind: 'chatter' } },
    lurkers: { weight: 1, exec: 'lurker', tags: { kind: 'lurker' } },
  },
};

// Read once per isolate, shared read-only by its VUs.
type Question = { topic: string; text: string };
const questions = new SharedArray('questions', () => parseCsv(open('./data/questions.csv')) as Question[]);
const target = __ENV.TARGET || __ENV.WSK_TARGET || '';
if (target === '') throw new Error('set CHAT_URL (see .env.example), or run with --serve chat');

type Part = { id: number; done?: boolean };
let socket: ws.Socket | undefined;
let nextId = 0;

async function connected(): Promise<ws.Socket> {
  if (socket === undefined || !socket.isOpen) socket = await ws.open(target, { tags: { name: 'chat' } });
  return socket;
}

export async function chatter() {
  const chat = await connected();
  const id = __VU * 1_000_000 + nextId++;
  const question = questions.next();
  const parts = await chat.request(JSON.stringify({ id, text: question.text }), {
    match: (message) => typeof message === 'string' && (JSON.parse(message) as Part).id === id,
    until: (message) => (JSON.parse(message as string) as Part).done === true,
    timeout: 3000,
  });
  check(parts, { 'an answer came': (p) => p.length > 1 }, { topic: question.topic });
  await sleep(0.5);
}

export async function lurker() {
  await connected();
  await sleep(1);
}
