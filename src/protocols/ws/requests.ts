/**
 * The requests of one socket that the host correlates (request() with rules or no predicates, see
 * matching.ts): each incoming message is offered to them in the order they were sent, and the first
 * whose `match` holds takes it as a reply. Pure bookkeeping with the times handed in; the socket
 * (socket.ts) sends, records the samples and answers the sandbox.
 */
import { ReplyView, type JsonRule } from './matching.js';
import type { Tags } from '../../types.js';

type Data = string | ArrayBuffer;

export interface HostRequest {
  /** The sandbox's operation, resolved with `replies`. */
  readonly op: number;
  readonly match: JsonRule | null;
  readonly until: JsonRule | null;
  readonly sentAt: number;
  readonly deadline: number;
  readonly tags: Tags;
  readonly replies: Data[];
  /** Host times of the first and last reply (0: none yet). */
  firstAt: number;
  lastAt: number;
  /** Its `until` reply came: it is over, and no longer among the open ones. */
  done: boolean;
}

export class HostRequests {
  readonly #open: HostRequest[] = [];

  get size(): number {
    return this.#open.length;
  }

  add(op: number, match: JsonRule | null, until: JsonRule | null, sentAt: number, timeoutMs: number, tags: Tags): HostRequest {
    const request: HostRequest = { op, match, until, sentAt, deadline: sentAt + timeoutMs, tags, replies: [], firstAt: 0, lastAt: 0, done: false };
    this.#open.push(request);
    return request;
  }

  /**
   * Gives a message that arrived at `at` to the first open request it is a reply of: that request,
   * `done` when the reply ends it; undefined when it is no request's reply. A binary message only
   * satisfies "every message" (a rule needs JSON text).
   */
  offer(data: Data, at: number): HostRequest | undefined {
    if (this.#open.length === 0) return undefined;
    const view = new ReplyView(data);
    const index = this.#open.findIndex((request) => request.match === null || view.satisfies(request.match));
    if (index < 0) return undefined;
    const request = this.#open[index]!;
    if (request.firstAt === 0) request.firstAt = at;
    request.lastAt = at;
    request.replies.push(data);
    if (request.until === null || view.satisfies(request.until)) {
      request.done = true;
      this.#open.splice(index, 1);
    }
    return request;
  }

  /** The open requests past their deadline at `now`, which are no longer open. */
  expired(now: number): HostRequest[] {
    if (this.#open.every((request) => request.deadline > now)) return [];
    const expired = this.#open.filter((request) => request.deadline <= now);
    this.#removeAll(expired);
    return expired;
  }

  /** Every open request, which are no longer open (the socket closed under them). */
  cutOff(): HostRequest[] {
    return this.#open.splice(0);
  }

  #removeAll(gone: readonly HostRequest[]): void {
    for (const request of gone) this.#open.splice(this.#open.indexOf(request), 1);
  }
}
