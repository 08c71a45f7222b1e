/**
 * Test helpers for the dashboard: plain GETs and an event-stream reader on a connection of its own
 * (no client keep-alive timer left to disturb a test's timer count), and a copy of what the live
 * page does with the events (src/report/live-client.ts), to check that updates rebuild the results.
 */
import { get as httpGet, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { SnapshotEvent, UpdateEvent } from '../../../src/live/events.js';
import type { SeriesColumns, TimeSeries } from '../../../src/results/types.js';

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export function getOnce(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    }).on('error', reject);
  });
}

export interface ReceivedEvent {
  readonly name: string;
  readonly data: string;
}

/** An open /events stream: its events in order as they arrive, and whether the server ended it. */
export class EventStream {
  readonly events: ReceivedEvent[] = [];
  ended = false;
  private buffer = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly response: IncomingMessage,
    private readonly close: () => void,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end: number;
      while ((end = this.buffer.indexOf('\n\n')) !== -1) {
        this.events.push(parseEvent(this.buffer.slice(0, end)));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.wake();
    });
    response.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  static open(url: string): Promise<EventStream> {
    return new Promise((resolve, reject) => {
      const request = httpGet(url, { agent: false }, (response) => resolve(new EventStream(response, () => request.destroy())));
      request.on('error', reject);
    });
  }

  /** Waits until `count` events have arrived (or the stream ended), then returns them all. */
  async take(count: number, timeoutMs = 5000): Promise<ReceivedEvent[]> {
    await this.until(() => this.events.length >= count || this.ended, timeoutMs, `${count} events`);
    return this.events;
  }

  async untilEnded(timeoutMs = 5000): Promise<void> {
    await this.until(() => this.ended, timeoutMs, 'the end of the stream');
  }

  /** Leaves, as a closed browser tab does. */
  disconnect(): Promise<void> {
    return new Promise((resolve) => {
      this.response.socket.once('close', () => resolve());
      this.close();
    });
  }

  private until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`waited ${timeoutMs} ms for ${what}; got ${this.events.length} events`));
      }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function parseEvent(block: string): ReceivedEvent {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) name = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
  }
  return { name, data: data.join('\n') };
}

/** The live page's series after an update, as live-client.ts computes them. */
export function applyUpdate(snapshot: { timeSeries: TimeSeries; keys: readonly string[] }, update: UpdateEvent): { timeSeries: TimeSeries; keys: string[] } {
  const byKey = new Map(snapshot.timeSeries.series.map((series, i) => [snapshot.keys[i], series]));
  const series = update.series.map((change) => {
    const old = (change.added ?? byKey.get(change.key)) as Record<string, unknown> | undefined;
    if (old === undefined) throw new Error(`update names ${change.key}, which the snapshot does not have`);
    const next: Record<string, unknown> = change.added === undefined ? { ...old } : { ...change.added };
    const names = new Set([...Object.keys(change.columns ?? {}), ...Object.keys(old).filter((name) => Array.isArray(old[name]))]);
    for (const name of names) {
      const values = ((old[name] ?? []) as (number | null)[]).slice(0, update.buckets);
      while (values.length < update.buckets) values.push(null);
      (change.columns?.[name as keyof typeof change.columns] ?? []).forEach((value, i) => (values[(change.from ?? 0) + i] = value));
      next[name] = values;
    }
    return next as unknown as SeriesColumns;
  });
  const { bucketMs, startMs } = snapshot.timeSeries;
  return { timeSeries: { bucketMs, startMs, buckets: update.buckets, series }, keys: update.series.map((change) => change.key) };
}

export function parseSnapshot(event: ReceivedEvent): SnapshotEvent {
  return JSON.parse(event.data) as SnapshotEvent;
}

export function parseUpdate(event: ReceivedEvent): UpdateEvent {
  return JSON.parse(event.data) as UpdateEvent;
}

/** A page watching the stream: the state its events build, update by update. */
export class Watcher {
  /** The text of the last event taken. */
  lastData = '';
  private taken = 1;

  private constructor(
    readonly stream: EventStream,
    readonly snapshot: SnapshotEvent,
    public state: { timeSeries: TimeSeries; keys: string[] },
  ) {}

  static async open(url: string): Promise<Watcher> {
    const stream = await EventStream.open(url);
    const [first] = await stream.take(1);
    if (first?.name !== 'snapshot') throw new Error(`the first event is ${first?.name ?? 'missing'}, not a snapshot`);
    const snapshot = parseSnapshot(first);
    const watcher = new Watcher(stream, snapshot, { timeSeries: snapshot.results.timeSeries, keys: [...snapshot.keys] });
    watcher.lastData = first.data;
    return watcher;
  }

  /** The next update, applied to the state. */
  async next(): Promise<UpdateEvent> {
    const event = (await this.stream.take(this.taken + 1))[this.taken];
    if (event?.name !== 'update') throw new Error(`expected an update; got ${event?.name ?? 'the end of the stream'}`);
    this.taken++;
    this.lastData = event.data;
    const update = parseUpdate(event);
    this.state = applyUpdate(this.state, update);
    return update;
  }

  /** The next update that changed some bucket (the ones before it, taken by a tick that came first, are applied too). */
  async nextChange(): Promise<UpdateEvent> {
    for (;;) {
      const update = await this.next();
      if (update.series.some((series) => series.from !== undefined)) return update;
    }
  }
}
