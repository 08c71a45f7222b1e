// A browser-style WebSocket kept alive by a heartbeat interval: the iteration ends only when both
// the socket has closed and the interval has been cleared, as k6's event loop does.
import { check } from 'k6';
import { WebSocket } from 'k6/websockets';
import { Counter } from 'k6/metrics';

const beats = new Counter('heartbeats');
const echoes = new Counter('heartbeat_echoes');

export const options = {
  vus: 2,
  iterations: 4,
  thresholds: { heartbeat_echoes: ['count==12'] },
};

export default function () {
  const ws = new WebSocket(__ENV.WS_URL);
  let sent = 0;
  let timer;
  ws.onopen = () => {
    timer = setInterval(() => {
      sent++;
      beats.add(1);
      ws.send(`beat ${sent}`);
      if (sent === 3) clearInterval(timer);
    }, 20);
  };
  ws.onmessage = (event) => {
    echoes.add(1);
    if (event.data === 'beat 3') {
      // Closing from the last echo: the iteration is over once the close completes.
      setTimeout(() => ws.close(), 10);
    }
  };
  ws.onclose = () => {
    check(sent, { 'three beats before the close': (n) => n === 3 });
  };
}
