// Several listeners per event (addEventListener), beside an on<event> handler, which runs first;
// params carry tags, and the group the socket opens in tags its metrics: thresholds on both sub-metrics.
import { WebSocket } from 'k6/websockets';
import { check, group } from 'k6';
import { Counter } from 'k6/metrics';

const calls = new Counter('listener_calls');

export const options = {
  iterations: 3,
  thresholds: {
    'ws_sessions{room:lobby}': ['count==3'],
    'ws_sessions{group:::chat}': ['count==3'],
    checks: ['rate==1'],
  },
};

export default function () {
  group('chat', () => {
    const ws = new WebSocket(__ENV.WS_URL, null, { tags: { room: 'lobby' } });
    const order = [];
    ws.addEventListener('open', () => ws.send('hi'));
    ws.addEventListener('message', () => {
      order.push('first');
      calls.add(1);
    });
    ws.addEventListener('message', () => {
      order.push('second');
      calls.add(1);
      ws.close();
    });
    ws.onmessage = () => order.push('on');
    ws.addEventListener('close', () => {
      check(order, { 'onmessage, then the listeners in order': (o) => o.join(' ') === 'on first second' });
    });
  });
}
