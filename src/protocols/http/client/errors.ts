/**
 * k6's HTTP error codes and messages (lib/netext/httpext/error_codes.go), mapped from Node's errors,
 * so `res.error_code` and the `error_code` tag mean the same in wsk as in k6.
 */
import { outOfFiles, outOfFilesText } from '../../../net/open-files.js';

export const HttpErrorCode = {
  generic: 1000,
  invalidUrl: 1020,
  timeout: 1050,
  dns: 1100,
  dnsNoSuchHost: 1101,
  tcp: 1200,
  brokenPipe: 1201,
  dialUnknownErrno: 1213,
  dialTimeout: 1211,
  dialRefused: 1212,
  resetByPeer: 1220,
  tls: 1300,
  tlsHeader: 1301,
  unknownAuthority: 1310,
  hostnameMismatch: 1311,
  decompression: 1701,
} as const;

export interface HttpFailure {
  readonly code: number;
  readonly message: string;
}

export const TIMEOUT: HttpFailure = { code: HttpErrorCode.timeout, message: 'request timeout' };

/** k6 gives a response with status 4xx or 5xx the error code 1000 + status, and no error message. */
export function statusErrorCode(status: number): number {
  return status >= 400 ? 1000 + status : 0;
}

export function invalidUrl(detail: string): HttpFailure {
  return { code: HttpErrorCode.invalidUrl, message: `invalid URL: ${detail}` };
}

export function decompressionFailure(error: Error): HttpFailure {
  return { code: HttpErrorCode.decompression, message: `error decompressing response body (${error.message})` };
}

/** Verification failures OpenSSL reports when no trusted authority vouches for the server's certificate. */
const UNKNOWN_AUTHORITY = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** What k6 would report for the error Node raised on a request or its response. */
export function classifyError(error: NodeJS.ErrnoException): HttpFailure {
  const code = error.code ?? '';
  const syscall = error.syscall ?? '';
  // No file left for the socket: k6 reports a dial error of an errno it does not name.
  if (outOfFiles(error)) return { code: HttpErrorCode.dialUnknownErrno, message: `dial: ${outOfFilesText(error)}` };
  if (syscall === 'getaddrinfo') {
    if (code === 'ENOTFOUND') return { code: HttpErrorCode.dnsNoSuchHost, message: 'lookup: no such host' };
    return { code: HttpErrorCode.dns, message: `lookup ${(error as { hostname?: string }).hostname ?? ''}: ${code}` };
  }
  if (syscall === 'connect') {
    if (code === 'ECONNREFUSED') return { code: HttpErrorCode.dialRefused, message: 'dial: connection refused' };
    if (code === 'ETIMEDOUT') return { code: HttpErrorCode.dialTimeout, message: 'dial: i/o timeout' };
    return { code: HttpErrorCode.dialUnknownErrno, message: `dial: ${code || error.message}` };
  }
  const tls = classifyTls(code, error.message);
  if (tls !== undefined) return tls;
  if (code === 'ECONNRESET') {
    if (syscall !== '') return { code: HttpErrorCode.resetByPeer, message: `${syscall}: connection reset by peer` };
    // No syscall: Node saw the server close the connection (a FIN, not a reset) before the response was
    // complete, which Go (and so k6) reports as EOF.
    return { code: HttpErrorCode.generic, message: error.message === 'aborted' ? 'unexpected EOF' : 'EOF' };
  }
  if (code === 'EPIPE') return { code: HttpErrorCode.brokenPipe, message: 'write: broken pipe' };
  if (code.startsWith('HPE_')) return { code: HttpErrorCode.generic, message: `malformed HTTP response (${error.message})` };
  if (syscall === 'read' || syscall === 'write') return { code: HttpErrorCode.tcp, message: `${syscall}: ${code}` };
  return { code: HttpErrorCode.generic, message: error.message };
}

function classifyTls(code: string, message: string): HttpFailure | undefined {
  if (UNKNOWN_AUTHORITY.has(code)) return { code: HttpErrorCode.unknownAuthority, message: 'x509: unknown authority' };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { code: HttpErrorCode.hostnameMismatch, message: "x509: certificate doesn't match hostname" };
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && message.includes('wrong version number'))) {
    return { code: HttpErrorCode.tlsHeader, message: 'tls: first record does not look like a TLS handshake' };
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_')) {
    return { code: HttpErrorCode.tls, message: `tls: ${firstLine(message)}` };
  }
  if (code === 'ECONNRESET' && message.includes('before secure TLS connection')) {
    return { code: HttpErrorCode.tls, message: 'tls: connection closed during the handshake' };
  }
  return undefined;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}
