/**
 * The voice target: the shape of a voice agent.
 *
 *   in:  binary frames of 16-bit little-endian mono PCM; text {"type":"end"} ends the utterance early
 *   an utterance also ends once silenceMs of silent audio (every sample |x| < 500) follows speech
 *   out: after processingDelayMs, {"type":"transcript","text":"...","audioMs":MS_OF_AUDIO_RECEIVED}
 *        then binary frames of sampleRate*2*frameMs/1000 bytes totalling replyAudioMs, frame k due at
 *        start + k*frameMs (real-time pace, no drift), then {"type":"done"}
 *   other text: {"type":"error","error":"bad request"}
 *
 * Utterances that end while a reply is still playing are answered in turn, after it.
 */
import { endOnAbort } from './background.js';
import type { Connection, TargetHandler, VoiceOptions } from './types.js';

export const SILENCE_THRESHOLD = 500;
const BYTES_PER_SAMPLE = 2;
const TRANSCRIPT = 'hello from the wsk voice target';
const TONE_HZ = 440;
const TONE_AMPLITUDE = 3000;
const BAD_REQUEST = JSON.stringify({ type: 'error', error: 'bad request' });
const DONE = JSON.stringify({ type: 'done' });

export function voiceHandler(options: Readonly<VoiceOptions>): TargetHandler {
  const frames = replyFrames(options);
  return (connection) => {
    const utterance = new Utterance(options.silenceMs, options.sampleRate);
    let replies = Promise.resolve();
    const endUtterance = (): void => {
      const audioMs = utterance.finish();
      const dueAt = connection.clock.now() + options.processingDelayMs;
      replies = replies.then(() => reply(connection, options.frameMs, frames, audioMs, dueAt)).catch(endOnAbort);
    };
    return {
      onMessage(data, isBinary) {
        if (isBinary) {
          if (utterance.push(data)) endUtterance();
        } else if (isEndMessage(data.toString('utf8'))) {
          endUtterance();
        } else {
          connection.send(BAD_REQUEST, false);
        }
      },
    };
  };
}

/** One utterance being received: how much audio arrived, and whether enough silence has followed speech. */
export class Utterance {
  private bytes = 0;
  private heardSpeech = false;
  private silentSamples = 0;
  private readonly silenceSamples: number;

  constructor(silenceMs: number, private readonly sampleRate: number) {
    this.silenceSamples = (silenceMs * sampleRate) / 1000;
  }

  /** Adds a frame of PCM; true when it completes the utterance by silence. */
  push(frame: Buffer): boolean {
    this.bytes += frame.length;
    if (isSilent(frame)) {
      this.silentSamples += Math.floor(frame.length / BYTES_PER_SAMPLE);
    } else {
      this.silentSamples = 0;
      this.heardSpeech = true;
    }
    return this.heardSpeech && this.silentSamples >= this.silenceSamples;
  }

  /** Ends the utterance and returns how many ms of audio it held; the next one starts empty. */
  finish(): number {
    const audioMs = (this.bytes / BYTES_PER_SAMPLE / this.sampleRate) * 1000;
    this.bytes = 0;
    this.heardSpeech = false;
    this.silentSamples = 0;
    return audioMs;
  }
}

/** True when every 16-bit little-endian sample is quieter than SILENCE_THRESHOLD (a trailing odd byte is ignored). */
export function isSilent(frame: Buffer): boolean {
  for (let offset = 0; offset + 1 < frame.length; offset += BYTES_PER_SAMPLE) {
    if (Math.abs(frame.readInt16LE(offset)) >= SILENCE_THRESHOLD) return false;
  }
  return true;
}

/** The reply audio, a quiet tone cut into frames: ceil(replyAudioMs / frameMs) of them, computed once per target. */
export function replyFrames(options: Readonly<VoiceOptions>): Buffer[] {
  const samplesPerFrame = Math.round((options.sampleRate * options.frameMs) / 1000);
  const frameBytes = samplesPerFrame * BYTES_PER_SAMPLE;
  const count = Math.ceil(options.replyAudioMs / options.frameMs);
  const audio = Buffer.alloc(count * frameBytes);
  for (let sample = 0; sample < count * samplesPerFrame; sample++) {
    const value = Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * sample) / options.sampleRate));
    audio.writeInt16LE(value, sample * BYTES_PER_SAMPLE);
  }
  return Array.from({ length: count }, (_, k) => audio.subarray(k * frameBytes, (k + 1) * frameBytes));
}

function isEndMessage(text: string): boolean {
  try {
    const message: unknown = JSON.parse(text);
    return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'end';
  } catch {
    return false; // not JSON: the client's mistake, answered with "bad request"
  }
}

async function reply(connection: Connection, frameMs: number, frames: readonly Buffer[], audioMs: number, dueAt: number): Promise<void> {
  const { clock, signal } = connection;
  await clock.sleepUntil(dueAt, signal);
  connection.send(JSON.stringify({ type: 'transcript', text: TRANSCRIPT, audioMs }), false);
  const start = clock.now();
  for (const [k, frame] of frames.entries()) {
    await clock.sleepUntil(start + k * frameMs, signal);
    connection.send(frame, true);
  }
  connection.send(DONE, false);
}
