import { afterEach, describe, expect, it } from 'vitest';
import { startTarget } from '../../../src/serve/server.js';
import type { ChatOptions, RunningTarget } from '../../../src/serve/types.js';
import { TestClient, json, text } from './client.js';

let target: RunningTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function chat(options: Partial<ChatOptions>, seed?: number): Promise<TestClient> {
  target = await startTarget('chat', { chat: options, ...(seed === undefined ? {} : { seed }) });
  return TestClient.open(target.url);
}

describe('chat target', () => {
  it('answers in `parts` parts, in order, then done', async () => {
    const client = await chat({ parts: 3, delayMs: 5, jitterMs: 0 });
    client.send(JSON.stringify({ id: 'a', text: 'hi' }));
    expect((await client.take(4)).map(json)).toEqual([
      { id: 'a', part: 0, text: 'sure' },
      { id: 'a', part: 1, text: 'here' },
      { id: 'a', part: 2, text: 'is' },
      { id: 'a', done: true },
    ]);
    expect((await client.settle(50)).length).toBe(4);
  });

  it('spaces the parts by delayMs', async () => {
    const client = await chat({ parts: 4, delayMs: 40, jitterMs: 0 });
    const sentAt = performance.now();
    client.send(JSON.stringify({ id: 1 }));
    const replies = await client.take(5);
    // Parts due at 40, 80, 120, 160 ms; done with the last. Generous bounds for a busy machine.
    expect(replies[0]!.atMs - sentAt).toBeGreaterThanOrEqual(35);
    expect(replies[3]!.atMs - sentAt).toBeGreaterThanOrEqual(150);
    expect(replies[3]!.atMs - sentAt).toBeLessThan(500);
  });

  it('interleaves the parts of overlapping requests, each in its own order', async () => {
    const client = await chat({ parts: 3, delayMs: 40, jitterMs: 0 });
    client.send(JSON.stringify({ id: 1, text: 'one' }));
    client.send(JSON.stringify({ id: 2, text: 'two' }));
    const replies = (await client.take(8)).map((message) => json(message) as { id: number; part?: number; done?: true });
    for (const id of [1, 2]) {
      expect(replies.filter((reply) => reply.id === id).map((reply) => reply.part ?? 'done')).toEqual([0, 1, 2, 'done']);
    }
    const firstOfTwo = replies.findIndex((reply) => reply.id === 2);
    const doneOfOne = replies.findIndex((reply) => reply.id === 1 && reply.done === true);
    expect(firstOfTwo).toBeLessThan(doneOfOne);
  });

  it('drops whole replies: seed 42 at dropRate 0.5 drops exactly these 9 of 20', async () => {
    const client = await chat({ parts: 2, delayMs: 0, jitterMs: 0, dropRate: 0.5 }, 42);
    for (let id = 0; id < 20; id++) client.send(JSON.stringify({ id }));
    const replies = (await client.settle(150)).map((message) => json(message) as { id: number; done?: true });
    const answered = new Set(replies.map((reply) => reply.id));
    const dropped = Array.from({ length: 20 }, (_, id) => id).filter((id) => !answered.has(id));
    expect(dropped).toEqual([2, 5, 8, 11, 13, 14, 17, 18, 19]);
    expect(replies.length).toBe(11 * 3); // every kept reply is whole: two parts and done
  });

  it('garbles parts: seed 7 at garbleRate 0.3 garbles exactly these 8 of 50 parts, and every reply still ends with done', async () => {
    const client = await chat({ parts: 5, delayMs: 0, jitterMs: 0, garbleRate: 0.3 }, 7);
    for (let id = 0; id < 10; id++) client.send(JSON.stringify({ id }));
    const messages = (await client.take(60)).map(text);
    const garbled: string[] = [];
    const done: number[] = [];
    const partsSeen = new Map<number, number>();
    for (const message of messages) {
      let reply: { id: number; done?: true };
      try {
        reply = JSON.parse(message) as { id: number; done?: true };
      } catch {
        // A garbled part still starts with its id: {"id":N,...
        const id = Number(/^\{"id":(\d+)/.exec(message)?.[1]);
        garbled.push(`${id}:${partsSeen.get(id) ?? 0}`);
        partsSeen.set(id, (partsSeen.get(id) ?? 0) + 1);
        continue;
      }
      if (reply.done === true) done.push(reply.id);
      else partsSeen.set(reply.id, (partsSeen.get(reply.id) ?? 0) + 1);
    }
    expect(garbled.sort()).toEqual(['0:4', '2:0', '2:2', '3:1', '3:3', '4:3', '5:1', '8:1']);
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('answers input that is not a request with {"error":"bad request"}', async () => {
    const client = await chat({ parts: 1, delayMs: 0, jitterMs: 0 });
    client.send('not json');
    client.send('[1]');
    client.send(JSON.stringify({ text: 'no id' }));
    client.send(Buffer.from([1, 2, 3]));
    expect((await client.take(4)).map(json)).toEqual(Array.from({ length: 4 }, () => ({ error: 'bad request' })));
  });
});
