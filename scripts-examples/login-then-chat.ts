// A whole user journey over HTTP and WebSocket: log in for a token, list the user's items, open an
// authenticated chat socket with the token and ask a few questions, then log out. Requests carry a
// `name` tag, so thresholds and the summary speak of "login" rather than of every URL.
//   npx wsk run --serve chat scripts-examples/login-then-chat.ts
import { check, group, sleep } from 'wsk';
import http from 'wsk/http';
import ws from 'wsk/ws';

export const options = {
  vus: 5,
  duration: '10s',
  thresholds: {
    'http_req_duration{name:login}': ['p(95)<500'],
    http_req_failed: ['rate<0.01'],
    ws_connection_failed: ['rate<0.01'],
    ws_req_ttfr: ['p(95)<300'],
    checks: ['rate>0.99'],
  },
};

type Part = { id: number; part?: number; text?: string; done?: boolean };

const target = __ENV.WSK_TARGET ?? 'ws://127.0.0.1:8080';
const api = target.replace(/^ws/, 'http');
const QUESTIONS = ['Where is my order?', 'Can I change the address?', 'Thanks!'];

export default async function () {
  const token = await group('log in', async () => {
    const res = await http.post(`${api}/login`, JSON.stringify({ username: `user${__VU}`, password: 'secret' }), {
      headers: { 'Content-Type': 'application/json' },
      tags: { name: 'login' },
    });
    check(res, { 'logged in': (r) => r.status === 200 });
    return res.json('token') as string;
  });
  const auth = { Authorization: `Bearer ${token}` };

  const items = await http.get(`${api}/items`, { headers: auth, tags: { name: 'items' } });
  check(items, { 'items listed': (r) => r.status === 200 && (r.json('items') as unknown[]).length > 0 });

  await group('chat', async () => {
    const socket = await ws.open(`${target}/chat`, { headers: auth, tags: { name: 'chat' } });
    for (const [id, text] of QUESTIONS.entries()) {
      const parts = await socket.request(JSON.stringify({ id, text }), {
        match: (message) => typeof message === 'string' && (JSON.parse(message) as Part).id === id,
        until: (message) => (JSON.parse(message as string) as Part).done === true,
        timeout: 3000,
      });
      check(parts, { 'question answered': (p) => p.length > 1 });
    }
    socket.close();
    await socket.closed;
  });

  const out = await http.post(`${api}/logout`, null, { headers: auth, tags: { name: 'logout' } });
  check(out, { 'logged out': (r) => r.status === 200 });
  await sleep(0.5);
}
