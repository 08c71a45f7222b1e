import { afterEach, describe, expect, it } from 'vitest';
import { startTarget } from '../../../src/serve/server.js';
import type { RunningTarget } from '../../../src/serve/types.js';
import { TestClient, text } from './client.js';

let target: RunningTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

describe('echo target', () => {
  it('sends text back as text and binary back as binary, byte for byte', async () => {
    target = await startTarget('echo');
    expect(target.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const client = await TestClient.open(target.url);
    client.send('héllo');
    client.send(Buffer.from([0, 1, 2, 255]));
    const [first, second] = await client.take(2);
    expect(text(first)).toBe('héllo');
    expect(second?.isBinary).toBe(true);
    expect([...second!.data]).toEqual([0, 1, 2, 255]);
    await client.close();
  });

  it('answers pings', async () => {
    target = await startTarget('echo');
    const client = await TestClient.open(target.url);
    const pong = new Promise<Buffer>((resolve) => client.socket.once('pong', resolve));
    client.socket.ping(Buffer.from('p1'));
    expect((await pong).toString()).toBe('p1');
    await client.close();
  });
});
