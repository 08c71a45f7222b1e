// close(code, reason), a ping answered by a pong, and the close code k6 refuses. k6 follows a close
// with any code but 1000 or 1001 by an error event.
import { WebSocket } from 'k6/websockets';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const ws = new WebSocket(__ENV.WS_URL);
  let errors = 0;
  ws.onopen = () => ws.ping();
  ws.onpong = () => {
    let refused = '';
    try {
      ws.close(1001);
    } catch (e) {
      refused = String(e);
    }
    check(refused, { 'close(1001) is refused': (text) => text.includes('InvalidAccessError') });
    ws.close(4000, 'done here');
    check(ws, { 'closing': (w) => w.readyState === 2 });
  };
  ws.onerror = () => {
    errors += 1;
  };
  ws.onclose = (event) => {
    check(event, {
      'code 4000': (e) => e.code === 4000,
      'reason kept': (e) => e.reason === 'done here',
      'an error event came first': () => errors === 1,
    });
    console.log(`closed with ${event.code}: ${event.reason}`);
  };
}
