// W3's target (test/bench/ws-bench.mjs): an echo server, like `wsk serve echo`, that also times the
// binary frames each connection sends, as a voice agent would hear them.
//
//   node stream-server.mjs --interval-ms=20
//
// It prints `listening on ws://...` once bound. On SIGTERM it prints one line and exits:
//   `stream-stats {"intervals":N,"p99JitterMs":J,"maxGapMs":G}`
// J is the p99 over every connection's |inter-arrival − interval| (frame k+1's arrival minus frame k's);
// G the longest inter-arrival of any connection.
import { WebSocketServer } from 'ws';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const INTERVAL_MS = Number(args.get('interval-ms') ?? 20);

/** |inter-arrival − interval| of every frame after each connection's first, in ms. */
let jitters = new Float64Array(1 << 16);
let count = 0;
let maxGapMs = 0;

function note(gap) {
  if (count === jitters.length) {
    const grown = new Float64Array(jitters.length * 2);
    grown.set(jitters);
    jitters = grown;
  }
  jitters[count++] = Math.abs(gap - INTERVAL_MS);
  if (gap > maxGapMs) maxGapMs = gap;
}

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket) => {
  let last = -1;
  socket.on('message', (data, binary) => {
    if (binary) {
      const now = performance.now();
      if (last >= 0) note(now - last);
      last = now;
    }
    socket.send(data, { binary });
  });
});
server.on('listening', () => console.log(`listening on ws://127.0.0.1:${server.address().port}`));

process.on('SIGTERM', () => {
  const sorted = jitters.subarray(0, count).sort();
  const p99 = count === 0 ? NaN : sorted[Math.min(count - 1, Math.ceil(0.99 * count) - 1)];
  console.log(`stream-stats ${JSON.stringify({ intervals: count, p99JitterMs: p99, maxGapMs })}`);
  process.exit(0);
});
