// Errors as k6 reports them: a refused connection is an error event then a close event, and the
// iteration goes on; a message handler that throws fails its iteration with that error.
import { WebSocket } from 'k6/websockets';
import { check } from 'k6';

export const options = {
  scenarios: {
    refused: { executor: 'shared-iterations', iterations: 1, vus: 1, exec: 'refused' },
    throwing: { executor: 'shared-iterations', iterations: 2, vus: 1, exec: 'throwing' },
  },
};

export function refused() {
  const ws = new WebSocket('ws://127.0.0.1:1/');
  const events = [];
  ws.onerror = (event) => events.push(`error:${typeof event.error}`);
  ws.onclose = () => {
    events.push('close');
    check(events, { 'error then close': (e) => e.join(',') === 'error:string,close' });
    check(ws, { 'CLOSED': (w) => w.readyState === 3 });
  };
}

export function throwing() {
  const ws = new WebSocket(__ENV.WS_URL);
  ws.onopen = () => ws.send('boom');
  ws.onmessage = (event) => {
    throw new Error(`handler failed on ${event.data}`);
  };
}
