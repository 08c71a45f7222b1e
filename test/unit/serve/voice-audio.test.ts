import { describe, expect, it } from 'vitest';
import { Utterance, isSilent, replyFrames } from '../../../src/serve/voice.js';
import { pcm } from './client.js';

describe('voice audio', () => {
  it.each([
    [pcm(4, 0), true],
    [pcm(4, 499), true],
    [pcm(4, -499), true],
    [pcm(4, 500), false],
    [pcm(4, -500), false],
    [Buffer.concat([pcm(3, 0), pcm(1, 501)]), false],
    [Buffer.from([0xff]), true], // a lone odd byte is no sample
  ])('isSilent(%#)', (frame, silent) => {
    expect(isSilent(frame)).toBe(silent);
  });

  it('ends an utterance once silenceMs of silence follows speech, and not on silence alone', () => {
    const utterance = new Utterance(100, 16_000); // 100 ms = 1600 samples = five 20 ms frames
    const silent = pcm(320, 0);
    const speech = pcm(320, 1000);
    expect([silent, silent, silent, silent, silent, silent].map((frame) => utterance.push(frame))).toEqual([false, false, false, false, false, false]);
    expect(utterance.push(speech)).toBe(false);
    expect([silent, silent, silent, silent].map((frame) => utterance.push(frame))).toEqual([false, false, false, false]);
    expect(utterance.push(speech)).toBe(false); // speech again restarts the silence count
    expect([silent, silent, silent, silent, silent].map((frame) => utterance.push(frame))).toEqual([false, false, false, false, true]);
    expect(utterance.finish()).toBe(17 * 20);
    expect(utterance.finish()).toBe(0);
    expect(utterance.push(silent)).toBe(false); // a fresh utterance needs speech again
  });

  it('cuts the reply into ceil(replyAudioMs / frameMs) frames of sampleRate*2*frameMs/1000 bytes', () => {
    const frames = replyFrames({ processingDelayMs: 0, silenceMs: 400, replyAudioMs: 610, sampleRate: 16_000, frameMs: 20 });
    expect(frames.map((frame) => frame.length)).toEqual(Array.from({ length: 31 }, () => 640));
    expect(isSilent(frames[0]!)).toBe(false);
    expect(replyFrames({ processingDelayMs: 0, silenceMs: 400, replyAudioMs: 0, sampleRate: 8000, frameMs: 10 })).toEqual([]);
    expect(replyFrames({ processingDelayMs: 0, silenceMs: 400, replyAudioMs: 30, sampleRate: 8000, frameMs: 10 }).map((f) => f.length)).toEqual([160, 160, 160]);
  });
});
