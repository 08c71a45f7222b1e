/** A WebSocket client for the target tests: records every message with its arrival time. */
import { WebSocket } from 'ws';

export interface Received {
  readonly data: Buffer;
  readonly isBinary: boolean;
  /** performance.now() on arrival. */
  readonly atMs: number;
}

export class TestClient {
  readonly received: Received[] = [];
  private onReceive: (() => void) | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      this.received.push({ data: data as Buffer, isBinary, atMs: performance.now() });
      this.onReceive?.();
    });
  }

  static open(url: string): Promise<TestClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** The first `count` messages, once they have all arrived. */
  take(count: number, timeoutMs = 3000): Promise<Received[]> {
    return this.waitUntil(() => this.received.length >= count, timeoutMs, `${count} messages`).then(() => this.received.slice(0, count));
  }

  /** Every message, once none has arrived for `quietMs`. */
  async settle(quietMs: number): Promise<Received[]> {
    for (;;) {
      const seen = this.received.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      if (this.received.length === seen) return this.received.slice();
    }
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }

  private waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onReceive = undefined;
        reject(new Error(`timed out waiting for ${what}; got ${this.received.length}`));
      }, timeoutMs);
      this.onReceive = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.onReceive = undefined;
        resolve();
      };
    });
  }
}

export function text(message: Received | undefined): string {
  if (message === undefined || message.isBinary) throw new Error('expected a text message');
  return message.data.toString('utf8');
}

export function json(message: Received | undefined): unknown {
  return JSON.parse(text(message));
}

/** `count` 16-bit little-endian samples, all equal to `value`. */
export function pcm(count: number, value: number): Buffer {
  const bytes = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) bytes.writeInt16LE(value, i * 2);
  return bytes;
}
