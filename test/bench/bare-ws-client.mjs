// The baseline of the WebSocket benchmarks (test/bench/ws-bench.mjs): the same work as wsk's VUs,
// written directly on the `ws` library with no sandbox, no metrics and no scheduler. What wsk costs
// beyond this is wsk's overhead.
//
//   node bare-ws-client.mjs --url=ws://127.0.0.1:PORT --mode=request|idle|stream --conns=N --seconds=S
//     request: each socket sends a --bytes text message, waits for its echo, and repeats (closed loop).
//     idle:    each socket sends a small message on open and every --every-ms after.
//     stream:  each socket sends --frames binary frames of --frame-bytes, frame i due at start + i × --interval-ms;
//              socket k starts --start-after-ms after it opened, plus k × interval / conns (callers are not in step).
//
// It reports on stdout, one line each, so the parent can read /proc at the right moments:
//   `opening`                         before the first socket is created (the memory baseline)
//   `connected {"open":N,"failed":F}` once every socket has opened or failed
//   `done {...}`                      counts, and the frame-lag p99 in stream mode; then it exits.
import WebSocket from 'ws';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const URL = args.get('url');
const MODE = args.get('mode') ?? 'request';
const CONNS = Number(args.get('conns') ?? 100);
const SECONDS = Number(args.get('seconds') ?? 20);
const BYTES = Number(args.get('bytes') ?? 100);
const EVERY_MS = Number(args.get('every-ms') ?? 5000);
const FRAME_BYTES = Number(args.get('frame-bytes') ?? 3200);
const INTERVAL_MS = Number(args.get('interval-ms') ?? 20);
const FRAMES = Number(args.get('frames') ?? 1000);
const START_AFTER_MS = Number(args.get('start-after-ms') ?? 0);

if (URL === undefined || !['request', 'idle', 'stream'].includes(MODE)) {
  process.stderr.write(`bare-ws-client: need --url=ws://... and --mode=request|idle|stream (got mode ${JSON.stringify(MODE)})\n`);
  process.exit(2);
}

const message = 'x'.repeat(BYTES);
// The same bytes as wsk's W3 script makes in its init code (filled, so its pages are really there).
const audio = new Uint8Array(FRAME_BYTES * FRAMES);
for (let i = 0; i < audio.length; i++) audio[i] = (i * 31 + (i >> 9)) & 0xff;
const counts = { open: 0, failed: 0, sent: 0, received: 0 };
/** Stream mode: how late each frame left against its due time, in ms. */
const lags = MODE === 'stream' ? new Float64Array(CONNS * FRAMES) : new Float64Array(0);
let lagCount = 0;
let streamsDone = 0;
const sockets = [];
const timers = new Set();

const STARTS = { request: startRequests, idle: startIdle, stream: startStream };

function startRequests(socket) {
  socket.on('message', () => {
    counts.received++;
    send(socket, message);
  });
  send(socket, message);
}

function startIdle(socket) {
  socket.on('message', () => counts.received++);
  send(socket, message);
  const timer = setInterval(() => send(socket, message), EVERY_MS);
  timers.add(timer);
}

/** Frame i is due at start + i × interval, however late frame i-1 left (drift-free, as wsk's stream()). */
function startStream(socket, index) {
  socket.on('message', () => counts.received++);
  const timer = setTimeout(() => {
    timers.delete(timer);
    streamFrames(socket);
  }, START_AFTER_MS + (index * INTERVAL_MS) / CONNS);
  timers.add(timer);
}

function streamFrames(socket) {
  const start = performance.now();
  let index = 0;
  const sendDue = () => {
    const now = performance.now();
    while (index < FRAMES && start + index * INTERVAL_MS <= now) {
      const due = start + index * INTERVAL_MS;
      send(socket, audio.subarray(index * FRAME_BYTES, (index + 1) * FRAME_BYTES));
      lags[lagCount++] = performance.now() - due;
      index++;
    }
    if (index >= FRAMES) {
      // Like a wsk VU whose one iteration has streamed its frames, the client is done when all are.
      if (++streamsDone === CONNS) finish();
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      sendDue();
    }, Math.max(0, start + index * INTERVAL_MS - performance.now()));
    timers.add(timer);
  };
  sendDue();
}

function send(socket, data) {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(data, { binary: typeof data !== 'string' });
  counts.sent++;
}

function settled() {
  if (counts.open + counts.failed === CONNS) console.log(`connected ${JSON.stringify({ open: counts.open, failed: counts.failed })}`);
}

function finish() {
  for (const timer of timers) clearTimeout(timer);
  for (const socket of sockets) socket.terminate();
  const done = { ...counts };
  if (MODE === 'stream') done.lagP99Ms = percentile(lags.subarray(0, lagCount), 0.99);
  console.log(`done ${JSON.stringify(done)}`);
  process.exit(0);
}

/** The nearest-rank percentile, as an HDR histogram reports it (to within its precision). */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

console.log('opening');
for (let i = 0; i < CONNS; i++) {
  // wsk does not offer permessage-deflate unless a script asks for it; neither does this client.
  const socket = new WebSocket(URL, { perMessageDeflate: false });
  sockets.push(socket);
  socket.on('open', () => {
    counts.open++;
    STARTS[MODE](socket, i);
    settled();
  });
  socket.on('error', (error) => {
    if (socket.readyState === WebSocket.OPEN) return;
    counts.failed++;
    process.stderr.write(`bare-ws-client: socket ${i}: ${error.message}\n`);
    settled();
  });
}
setTimeout(finish, SECONDS * 1000 + (MODE === 'stream' ? START_AFTER_MS + INTERVAL_MS : 0));
