// A voice agent's turn: stream an utterance as real-time PCM frames (640 bytes per 20 ms: 16 kHz,
// 16-bit, mono), say it has ended, and measure the time from the end of speech to the agent's first
// audio reply. Run it against the built-in voice target:
//   npx wsk run --serve voice scripts-examples/voice-agent.ts
import { check } from 'wsk';
import * as ws from 'wsk/ws';

// The WAV file is made by audio/make-utterance.mjs (npm run build); its 44-byte header is not audio.
const speech = new Uint8Array(open('./audio/utterance.wav', 'b')).slice(44);
const FRAME_BYTES = 640;
const FRAME_MS = 20;

export const options = {
  scenarios: {
    callers: { executor: 'constant-vus', vus: 10, duration: '10s' },
  },
  thresholds: {
    'ws_req_ttfr{name:end-of-speech}': ['p(95)<800'], // end of speech → transcript
    'ws_req_duration{name:end-of-speech}': ['p(95)<1000'], // end of speech → first audio frame back
    ws_stream_frame_lag: ['p(99)<20'],
    ws_connection_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

export default async function () {
  const socket = await ws.open(__ENV.WSK_TARGET ?? 'ws://127.0.0.1:8080', { tags: { name: 'voice' } });

  await socket.stream(speech, { frameBytes: FRAME_BYTES, intervalMs: FRAME_MS });
  const replies = await socket.request(JSON.stringify({ type: 'end' }), {
    until: (message) => typeof message !== 'string', // the first audio frame
    timeout: 5000,
    tags: { name: 'end-of-speech' },
  });
  const transcript = replies.find((message): message is string => typeof message === 'string');
  check(transcript, { 'transcript before audio': (text) => text !== undefined && JSON.parse(text).type === 'transcript' });

  // The rest of the reply: audio frames, then { type: 'done' }.
  let audioBytes = 0;
  for (;;) {
    const message = await socket.receive({ timeout: 5000 });
    if (typeof message !== 'string') audioBytes += message.byteLength;
    else if (JSON.parse(message).type === 'done') break;
  }
  check(audioBytes, { 'audio reply received': (bytes) => bytes > 0 });
  socket.close();
  await socket.closed;
}
