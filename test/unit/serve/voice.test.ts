import { afterEach, describe, expect, it } from 'vitest';
import { startTarget } from '../../../src/serve/server.js';
import type { RunningTarget, VoiceOptions } from '../../../src/serve/types.js';
import { TestClient, json, pcm, type Received } from './client.js';

let target: RunningTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const speech = pcm(320, 1000); // 20 ms at 16 kHz
const silence = pcm(320, 0);

async function voice(options: Partial<VoiceOptions>): Promise<TestClient> {
  target = await startTarget('voice', { voice: options });
  return TestClient.open(target.url);
}

/** Checks one reply: the transcript, exactly `frames` binary frames of 640 bytes, then done. */
function expectReply(messages: readonly Received[], audioMs: number, frames: number): void {
  expect(json(messages[0])).toEqual({ type: 'transcript', text: 'hello from the wsk voice target', audioMs });
  const audio = messages.slice(1, 1 + frames);
  expect(audio.map((message) => [message.isBinary, message.data.length])).toEqual(Array.from({ length: frames }, () => [true, 640]));
  expect(json(messages[1 + frames])).toEqual({ type: 'done' });
}

describe('voice target', () => {
  it('replies to {"type":"end"} after processingDelayMs, and again to the next utterance on the same socket', async () => {
    const client = await voice({ processingDelayMs: 60, replyAudioMs: 100 });
    for (let i = 0; i < 5; i++) client.send(speech);
    const endedAt = performance.now();
    client.send(JSON.stringify({ type: 'end' }));
    const first = await client.take(7);
    expect(first[0]!.atMs - endedAt).toBeGreaterThanOrEqual(50);
    expectReply(first, 100, 5);

    for (let i = 0; i < 2; i++) client.send(speech);
    client.send(JSON.stringify({ type: 'end' }));
    expectReply((await client.take(14)).slice(7), 40, 5);
    expect((await client.settle(50)).length).toBe(14);
  });

  it('ends an utterance on silenceMs of silence after speech, not before', async () => {
    const client = await voice({ processingDelayMs: 0, silenceMs: 100, replyAudioMs: 40 });
    for (let i = 0; i < 3; i++) client.send(speech);
    for (let i = 0; i < 4; i++) client.send(silence); // 80 ms: not yet
    expect((await client.settle(100)).length).toBe(0);
    client.send(silence); // 100 ms
    expectReply(await client.take(4), 160, 2);
  });

  it('paces the reply audio in real time: frames spread over about replyAudioMs', async () => {
    const client = await voice({ processingDelayMs: 0, replyAudioMs: 400 });
    client.send(speech);
    client.send(JSON.stringify({ type: 'end' }));
    const messages = await client.take(22);
    expectReply(messages, 20, 20);
    // Frame k is due at k*20 ms, so first to last spans 380 ms; allow ±50%.
    const span = messages[20]!.atMs - messages[1]!.atMs;
    expect(span).toBeGreaterThan(190);
    expect(span).toBeLessThan(570);
  });

  it('answers other text with a bad-request error', async () => {
    const client = await voice({});
    client.send('hello');
    client.send(JSON.stringify({ type: 'start' }));
    expect((await client.take(2)).map(json)).toEqual([
      { type: 'error', error: 'bad request' },
      { type: 'error', error: 'bad request' },
    ]);
  });
});
