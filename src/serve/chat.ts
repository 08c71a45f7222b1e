/**
 * The chat target: a streaming answer per request, the shape of an LLM chat backend.
 *
 *   in:  {"id": ID, "text": "..."}                       ID a string or number
 *   out: {"id": ID, "part": i, "text": WORD}             i = 0 .. parts-1, each after delayMs ± jitterMs
 *        {"id": ID, "done": true}                        right after the last part
 *   bad input (not JSON, not an object with an id, binary): {"error": "bad request"}
 *
 * Requests on one socket may overlap; their parts interleave. With dropRate a whole reply is never sent,
 * with garbleRate a part is sent as the first half of its JSON text. All draws come from the
 * connection's seeded generator at the moment the request arrives, so a seed fixes the outcome.
 */
import { endOnAbort } from './background.js';
import type { ChatOptions, Connection, TargetHandler } from './types.js';

export type RequestId = string | number;

export interface ReplyStep {
  /** When to send, in ms after the request arrived. */
  readonly atMs: number;
  readonly text: string;
}

const ANSWER = 'sure here is a streamed answer from the wsk chat target one word per part'.split(' ');
export const BAD_REQUEST = JSON.stringify({ error: 'bad request' });

export function chatHandler(options: Readonly<ChatOptions>): TargetHandler {
  return (connection) => ({
    onMessage(data, isBinary) {
      const id = isBinary ? undefined : requestId(data.toString('utf8'));
      if (id === undefined) {
        connection.send(BAD_REQUEST, false);
        return;
      }
      const steps = planReply(id, options, connection.random);
      if (steps !== undefined) void deliver(connection, steps).catch(endOnAbort);
    },
  });
}

/** The messages answering one request, or undefined when the reply is dropped. Draws: drop, then per part delay and garble. */
export function planReply(id: RequestId, options: Readonly<ChatOptions>, random: () => number): ReplyStep[] | undefined {
  if (random() < options.dropRate) return undefined;
  const steps: ReplyStep[] = [];
  let atMs = 0;
  for (let part = 0; part < options.parts; part++) {
    atMs += Math.max(0, options.delayMs + (2 * random() - 1) * options.jitterMs);
    const text = JSON.stringify({ id, part, text: ANSWER[part % ANSWER.length] });
    const garbled = random() < options.garbleRate;
    // Any proper prefix of a JSON object is invalid JSON: its closing brace is missing.
    steps.push({ atMs, text: garbled ? text.slice(0, Math.ceil(text.length / 2)) : text });
  }
  steps.push({ atMs, text: JSON.stringify({ id, done: true }) });
  return steps;
}

/** The request's id, or undefined when the text is not a JSON object with a string or number id. */
export function requestId(text: string): RequestId | undefined {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return undefined; // the client's mistake, answered with "bad request"
  }
  if (typeof request !== 'object' || request === null) return undefined;
  const id: unknown = (request as { id?: unknown }).id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

async function deliver(connection: Connection, steps: readonly ReplyStep[]): Promise<void> {
  const start = connection.clock.now();
  for (const step of steps) {
    await connection.clock.sleepUntil(start + step.atMs, connection.signal);
    connection.send(step.text, false);
  }
}
