import { describe, expect, it } from 'vitest';
import { PhaseMarks, phaseTimings } from '../../../../src/protocols/http/client/timings.js';

function marks(fields: Partial<PhaseMarks>): PhaseMarks {
  return Object.assign(new PhaseMarks(), fields);
}

describe('phaseTimings', () => {
  it.each([
    [
      'a new TLS connection to a resolved name',
      marks({ start: 100, socket: 101, lookup: 105, connected: 107, secured: 112, written: 113, firstByte: 163, end: 170 }),
      { blocked: 5, connecting: 2, tls_handshaking: 5, sending: 1, waiting: 50, receiving: 7, duration: 58 },
    ],
    [
      'a new plain connection to an IP (no lookup: connect starts with the socket)',
      marks({ start: 100, socket: 101, connected: 103, written: 104, firstByte: 154, end: 155 }),
      { blocked: 1, connecting: 2, tls_handshaking: 0, sending: 1, waiting: 50, receiving: 1, duration: 52 },
    ],
    [
      'a reused connection, after waiting 30 ms for it',
      marks({ start: 100, socket: 130, reused: true, written: 131, firstByte: 141, end: 143 }),
      { blocked: 30, connecting: 0, tls_handshaking: 0, sending: 1, waiting: 10, receiving: 2, duration: 13 },
    ],
    [
      'a server answering before the request was written',
      marks({ start: 100, socket: 100, reused: true, written: 120, firstByte: 110, end: 125 }),
      { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 20, waiting: 0, receiving: 15, duration: 35 },
    ],
  ])('%s', (_name, input, expected) => {
    expect(phaseTimings(input, 999)).toEqual(expected);
  });

  it.each([
    [
      'refused: blocked until the socket, nothing after',
      marks({ start: 100, socket: 101 }),
      { blocked: 1, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 },
    ],
    [
      'DNS failure: the failed lookup counts as blocked',
      marks({ start: 100, socket: 101, lookup: 140 }),
      { blocked: 40, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 },
    ],
    [
      'waiting in the agent queue until the timeout',
      marks({ start: 100 }),
      { blocked: 400, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0, duration: 0 },
    ],
    [
      'no answer until the timeout: waiting runs to the end',
      marks({ start: 100, socket: 100, reused: true, written: 101 }),
      { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 1, waiting: 399, receiving: 0, duration: 400 },
    ],
    [
      'cut off mid-body: receiving runs to the end',
      marks({ start: 100, socket: 100, reused: true, written: 101, firstByte: 111 }),
      { blocked: 0, connecting: 0, tls_handshaking: 0, sending: 1, waiting: 10, receiving: 389, duration: 400 },
    ],
  ])('cut short at 500: %s', (_name, input, expected) => {
    expect(phaseTimings(input, 500)).toEqual(expected);
  });

  it('restart clears every mark', () => {
    const m = marks({ start: 1, socket: 2, lookup: 3, connected: 4, secured: 5, written: 6, firstByte: 7, end: 8, reused: true });
    m.restart(50);
    expect({ ...m }).toEqual({ ...new PhaseMarks(), start: 50 });
  });
});
