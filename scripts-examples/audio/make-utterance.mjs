// Writes utterance.wav next to this file: 1.2 s of 16 kHz 16-bit mono "speech" (syllable-like tone
// bursts) followed by 0.2 s of silence (less than the voice target needs to end an utterance by itself) — the input voice-agent.ts streams. Generated, not downloaded,
// so the repository carries no binary audio. Run by `npm run build`; safe to run again.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RATE = 16_000;
const SPEECH_S = 1.2;
const SILENCE_S = 0.2;
const samples = Math.round((SPEECH_S + SILENCE_S) * RATE);
const pcm = Buffer.alloc(samples * 2);
for (let i = 0; i < samples; i++) {
  const t = i / RATE;
  // Five 200 ms syllables with 40 ms gaps, each a vowel-like mix of a fundamental and two formants.
  const inSyllable = t < SPEECH_S && t % 0.24 < 0.2;
  const envelope = inSyllable ? Math.sin((Math.PI * (t % 0.24)) / 0.2) : 0;
  const voice = 0.5 * Math.sin(2 * Math.PI * 140 * t) + 0.3 * Math.sin(2 * Math.PI * 700 * t) + 0.2 * Math.sin(2 * Math.PI * 1200 * t);
  pcm.writeInt16LE(Math.round(envelope * voice * 12_000), i * 2);
}
const header = Buffer.alloc(44);
header.write('RIFF', 0);
header.writeUInt32LE(36 + pcm.length, 4);
header.write('WAVE', 8);
header.write('fmt ', 12);
header.writeUInt32LE(16, 16); // PCM format chunk size
header.writeUInt16LE(1, 20); // linear PCM
header.writeUInt16LE(1, 22); // mono
header.writeUInt32LE(RATE, 24);
header.writeUInt32LE(RATE * 2, 28); // bytes per second
header.writeUInt16LE(2, 32); // bytes per frame
header.writeUInt16LE(16, 34); // bits per sample
header.write('data', 36);
header.writeUInt32LE(pcm.length, 40);
writeFileSync(fileURLToPath(new URL('./utterance.wav', import.meta.url)), Buffer.concat([header, pcm]));
