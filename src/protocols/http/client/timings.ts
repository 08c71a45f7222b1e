/**
 * The phases of one request on the wire, as k6 defines them, from the moments the client saw
 * (performance.now() milliseconds, 0 for "did not happen"):
 *
 *   start ─blocked─▶ connect start ─connecting─▶ connected ─tls_handshaking─▶ secured
 *         ─sending─▶ written ─waiting─▶ first byte ─receiving─▶ end
 *
 * On a reused keep-alive connection there is no connect: blocked runs from start to the moment the
 * socket was handed over, and connecting and tls_handshaking are 0. DNS resolution counts as blocked,
 * as in k6 (it has no phase of its own). duration = sending + waiting + receiving.
 */
import type { HttpTimings } from './types.js';

export class PhaseMarks {
  start = 0;
  /** The request got its socket (new or reused). */
  socket = 0;
  /** DNS answered, so the TCP connect began (no mark when the host was an IP or a `hosts` entry). */
  lookup = 0;
  connected = 0;
  secured = 0;
  /** The last byte of the request was handed to the kernel. */
  written = 0;
  firstByte = 0;
  end = 0;
  reused = false;

  restart(at: number): void {
    this.start = at;
    this.socket = 0;
    this.lookup = 0;
    this.connected = 0;
    this.secured = 0;
    this.written = 0;
    this.firstByte = 0;
    this.end = 0;
    this.reused = false;
  }
}

/** The timings of a request that ended (or was cut short) at `now`. */
export function phaseTimings(marks: PhaseMarks, now: number): HttpTimings {
  const end = marks.end > 0 ? marks.end : now;
  let blocked: number;
  let connecting = 0;
  let tls = 0;
  let ready: number;
  if (marks.reused) {
    blocked = marks.socket - marks.start;
    ready = marks.socket;
  } else {
    const connectStart = marks.lookup > 0 ? marks.lookup : marks.socket;
    blocked = (connectStart > 0 ? connectStart : end) - marks.start;
    if (marks.connected > 0 && connectStart > 0) connecting = marks.connected - connectStart;
    if (marks.secured > 0 && marks.connected > 0) tls = marks.secured - marks.connected;
    ready = marks.secured > 0 ? marks.secured : marks.connected;
  }
  let sending = 0;
  let waiting = 0;
  if (marks.written > 0 && ready > 0) {
    sending = marks.written - ready;
    // A server may answer before the request is fully written; then nothing was waited for.
    waiting = marks.firstByte > 0 ? marks.firstByte - marks.written : end - marks.written;
  }
  const receiving = marks.firstByte > 0 ? end - marks.firstByte : 0;
  const timings: HttpTimings = {
    blocked: positive(blocked),
    connecting: positive(connecting),
    tls_handshaking: positive(tls),
    sending: positive(sending),
    waiting: positive(waiting),
    receiving: positive(receiving),
    duration: 0,
  };
  timings.duration = timings.sending + timings.waiting + timings.receiving;
  return timings;
}

/** For a request that never reached the wire (an invalid URL). */
export function noTimings(): HttpTimings {
  return { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 };
}

function positive(ms: number): number {
  return ms > 0 ? ms : 0;
}
