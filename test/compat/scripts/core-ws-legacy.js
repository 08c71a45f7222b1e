// The k6/ws API: ws.connect with handlers, socket.setInterval/setTimeout, ping/pong, close.
import ws from 'k6/ws';
import { check } from 'k6';
import { Counter } from 'k6/metrics';

const echoed = new Counter('echoed');

export const options = { vus: 2, iterations: 4 };

export default function () {
  let received = 0;
  let ponged = false;
  const res = ws.connect(__ENV.WS_URL, { tags: { room: 'lobby' } }, function (socket) {
    socket.on('open', () => {
      socket.send(JSON.stringify({ n: 1 }));
      socket.ping();
      socket.setInterval(() => socket.send(JSON.stringify({ n: received + 1 })), 10);
      socket.setTimeout(() => socket.close(), 2000);
    });
    socket.on('pong', () => {
      ponged = true;
    });
    socket.on('message', (message) => {
      const data = JSON.parse(message);
      if (data.n) echoed.add(1);
      received += 1;
      if (received === 3) socket.close();
    });
  });
  check(res, { 'upgraded': (r) => r && r.status === 101 });
  check(received, { 'three echoes': (n) => n === 3 });
  check(ponged, { 'pong came back': (p) => p === true });
}
