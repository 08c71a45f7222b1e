import { get as httpGet } from 'node:http';
import { describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { serveUntil } from '../../../src/serve/serve.js';
import { startTarget } from '../../../src/serve/server.js';
import type { TargetKind } from '../../../src/serve/types.js';
import { TestClient } from './client.js';
import { trackTimers } from '../track-timers.js';

/**
 * A GET on a connection of its own that closes after the answer: no keep-alive timer of a client is
 * left running to disturb the timer count of the test that checks close().
 */
function getOnce(url: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve([response.statusCode ?? 0, body]));
    }).on('error', reject);
  });
}

describe('serveUntil', () => {
  it('prints one listening line, serves until `until` resolves, then closes', async () => {
    const lines: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const serving = serveUntil('echo', { port: 0 }, { write: (text) => lines.push(text) }, until);
    await expect.poll(() => lines.length).toBe(1);
    const url = /^wsk serve echo listening on (ws:\/\/127\.0\.0\.1:\d+)\n$/.exec(lines[0]!)?.[1];
    expect(url).toBeDefined();

    const client = await TestClient.open(url!);
    const closed = new Promise<number>((resolve) => client.socket.once('close', resolve));
    stop();
    await serving;
    expect(await closed).toBe(1006); // terminated by the server
    await expect(TestClient.open(url!)).rejects.toThrow(/ECONNREFUSED/);
    expect(lines).toHaveLength(1);
  });
});

describe('startTarget', () => {
  it.each<TargetKind>(['echo', 'chat', 'voice'])('%s answers GET /health with 200 "ok" on the same port', async (kind) => {
    const target = await startTarget(kind);
    const base = target.url.replace(/^ws:/, 'http:');
    expect(await getOnce(`${base}/health`)).toEqual([200, 'ok']);
    expect((await getOnce(`${base}/other`))[0]).toBe(404);
    await target.close();
  });

  it('close() ends sockets in the middle of replies and leaves no timer running', async () => {
    const timers = trackTimers();
    const chat = await startTarget('chat', { chat: { parts: 3, delayMs: 1000 } });
    const voice = await startTarget('voice', { voice: { processingDelayMs: 0, replyAudioMs: 10_000 } });
    const chatClient = await TestClient.open(chat.url);
    chatClient.send(JSON.stringify({ id: 1 }));
    const voiceClient = await TestClient.open(voice.url);
    voiceClient.send(JSON.stringify({ type: 'end' }));
    await voiceClient.take(2); // transcript and the first frame: the reply is under way
    const closed = Promise.all([chatClient, voiceClient].map((client) => new Promise((resolve) => client.socket.once('close', resolve))));
    await Promise.all([chat.close(), voice.close()]);
    await closed;
    timers.stop();
    expect(timers.pending()).toEqual([]);
    await chat.close(); // a second close is harmless
  });

  it('rejects out-of-range options and unknown kinds with a one-line message', async () => {
    await expect(startTarget('chat', { chat: { dropRate: 2 } })).rejects.toThrow(
      'chat.dropRate: invalid value 2; expected a number from 0 to 1',
    );
    await expect(startTarget('voice', { voice: { frameMs: 2.5 } })).rejects.toThrow(
      'voice.frameMs: invalid value 2.5; expected a whole number from 1 to 1000',
    );
    await expect(startTarget('echo', { port: 70_000 })).rejects.toThrow('port: invalid value 70000; expected a whole number from 0 to 65535');
    await expect(startTarget('mirror' as TargetKind)).rejects.toThrow('wsk serve: unknown target "mirror"; expected one of echo, chat, voice');
  });

  it('reports a port already in use', async () => {
    const first = await startTarget('echo');
    const port = Number(new URL(first.url).port);
    const error: unknown = await startTarget('echo', { port }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WskError);
    expect((error as WskError).message).toMatch(new RegExp(`^wsk serve: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    await first.close();
  });
});
