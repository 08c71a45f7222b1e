// k6/websockets: the browser-style WebSocket. The iteration lasts until the socket it opened closes.
import { WebSocket } from 'k6/websockets';
import { check } from 'k6';

export const options = { vus: 2, iterations: 4 };

export default function () {
  const ws = new WebSocket(__ENV.WS_URL);
  let received = 0;
  ws.onopen = () => {
    check(ws, { 'open': (w) => w.readyState === 1 });
    for (let i = 1; i <= 3; i++) ws.send(`message ${i}`);
  };
  ws.onmessage = (event) => {
    received += 1;
    check(event.data, { 'echoed in order': (data) => data === `message ${received}` });
    if (received === 3) ws.close();
  };
  ws.onclose = () => {
    check(received, { 'three echoes before close': (n) => n === 3 });
  };
}
