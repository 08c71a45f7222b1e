// A k6 WebSocket script, unchanged but for its URL: k6/ws's callback form. wsk awaits ws.connect() for
// you (the iteration waits until the socket closes, as in k6). Run it against the built-in echo target:
//   npx wsk run --serve echo scripts-examples/k6-compatible-ws.js
import ws from 'k6/ws';
import { check } from 'k6';

export const options = {
  vus: 5,
  duration: '5s',
  thresholds: { ws_connecting: ['p(95)<500'], checks: ['rate>0.99'] },
};

export default function () {
  const url = __ENV.WSK_TARGET || 'ws://127.0.0.1:8080';
  const params = { tags: { my_tag: 'hello' } };
  let echoes = 0;

  const res = ws.connect(url, params, function (socket) {
    socket.on('open', function () {
      socket.send(JSON.stringify({ hello: __VU }));
      socket.setInterval(function () {
        socket.send('tick');
        socket.ping();
      }, 100);
    });
    socket.on('message', function () {
      echoes++;
    });
    socket.on('pong', function () {
      check(true, { 'pong received': (ok) => ok });
    });
    socket.setTimeout(function () {
      socket.close();
    }, 1000);
  });

  check(res, { 'status is 101': (r) => r && r.status === 101 });
  check(echoes, { 'messages echoed': (n) => n > 0 });
}
