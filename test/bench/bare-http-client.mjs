// The baseline of the HTTP benchmark (test/bench/http-bench.mjs): the same work as wsk's VUs doing
// `http.get(URL)` in a closed loop, written directly on node:http with no sandbox, no metrics and no
// scheduler. What wsk costs beyond this is wsk's overhead.
//
//   node bare-http-client.mjs --url=http://127.0.0.1:PORT/health --vus=50 --seconds=20
//
// Each simulated VU has its own keep-alive agent holding one socket (as a k6 VU reuses its own
// connection), and sends its next GET when the previous response's body has been read in full.
//
// It reports on stdout, one line each, so the parent can read /proc at the right moments:
//   `opening`                                      before the first request (the origin of the CPU window)
//   `done {"requests":N,"errors":E,"seconds":S}`   completed requests and the seconds they took; then it
//                                                  idles a moment, so the parent can read its CPU, and exits.
import http from 'node:http';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const URL_TEXT = args.get('url');
const VUS = Number(args.get('vus') ?? 50);
const SECONDS = Number(args.get('seconds') ?? 20);
/** How long `done` stays readable in /proc before the process exits. */
const LINGER_MS = 1000;

if (URL_TEXT === undefined || !(VUS >= 1) || !(SECONDS > 0)) {
  process.stderr.write(`bare-http-client: need --url=http://..., --vus >= 1 and --seconds > 0\n`);
  process.exit(2);
}

const url = new URL(URL_TEXT);
const counts = { requests: 0, errors: 0 };
let running = true;
let lastError;

/** One VU's loop: a GET, its body read to the end, then the next. */
function startVu() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const options = { agent, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}` };
  const next = () => {
    if (!running) return agent.destroy();
    const request = http.get(options, (response) => {
      // Read the body as a script would see it (k6's default responseType is text).
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => {
        if (response.statusCode === 200 && body.length > 0) counts.requests++;
        else counts.errors++;
        next();
      });
    });
    request.on('error', (error) => {
      counts.errors++;
      lastError = error.message;
      // Not at once: a refused connection would otherwise spin this loop.
      setTimeout(next, 10);
    });
  };
  next();
}

console.log('opening');
const startedAt = performance.now();
for (let i = 0; i < VUS; i++) startVu();
setTimeout(() => {
  running = false;
  const seconds = (performance.now() - startedAt) / 1000;
  if (lastError !== undefined) process.stderr.write(`bare-http-client: last error: ${lastError}\n`);
  console.log(`done ${JSON.stringify({ ...counts, seconds })}`);
  setTimeout(() => process.exit(0), LINGER_MS);
}, SECONDS * 1000);
