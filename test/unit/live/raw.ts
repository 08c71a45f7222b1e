/**
 * Exact bytes to a live server over a plain TCP connection, as no HTTP client would send them
 * (malformed targets, bad header lines, foreign Host headers), and the responses that come back.
 */
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** The header lines, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const TIMEOUT_MS = 5000;

/** Writes `bytes` to 127.0.0.1:`port` and reads until the server closes the connection. */
export function exchange(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection in ${TIMEOUT_MS} ms; got ${JSON.stringify(received)}`));
    }, TIMEOUT_MS);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.write(bytes);
  });
}

/** `GET target` with these header lines; the last request of a connection should say `connection: close`. */
export function get(target: string, headerLines: readonly string[]): string {
  return `GET ${target} HTTP/1.1\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`;
}

/** The responses in what `exchange` received, in order; each must carry a content-length. */
export function parseResponses(text: string): RawResponse[] {
  const responses: RawResponse[] = [];
  let rest = text;
  while (rest !== '') {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) throw new Error(`an incomplete response: ${JSON.stringify(rest)}`);
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
    if (status === null) throw new Error(`not a status line: ${JSON.stringify(statusLine)}`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length']);
    if (!Number.isInteger(length)) throw new Error(`a response without content-length: ${JSON.stringify(statusLine)}`);
    const body = rest.slice(end + 4, end + 4 + length);
    responses.push({ status: Number(status[1]), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return responses;
}
