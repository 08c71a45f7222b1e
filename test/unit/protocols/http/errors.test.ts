import { describe, expect, it } from 'vitest';
import { classifyError, statusErrorCode } from '../../../../src/protocols/http/client/errors.js';
import { openFilesLimit } from '../../../../src/net/open-files.js';

function error(message: string, fields: { code?: string; syscall?: string; hostname?: string } = {}): NodeJS.ErrnoException {
  return Object.assign(new Error(message), fields);
}

describe("classifyError: k6's error codes for Node's errors", () => {
  it.each([
    [error('getaddrinfo ENOTFOUND no-such-host.invalid', { code: 'ENOTFOUND', syscall: 'getaddrinfo' }), 1101, 'lookup: no such host'],
    [error('getaddrinfo EAI_AGAIN a.test', { code: 'EAI_AGAIN', syscall: 'getaddrinfo', hostname: 'a.test' }), 1100, 'lookup a.test: EAI_AGAIN'],
    [error('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED', syscall: 'connect' }), 1212, 'dial: connection refused'],
    [error('connect ETIMEDOUT 10.0.0.1:80', { code: 'ETIMEDOUT', syscall: 'connect' }), 1211, 'dial: i/o timeout'],
    [error('connect EHOSTUNREACH 10.0.0.1:80', { code: 'EHOSTUNREACH', syscall: 'connect' }), 1213, 'dial: EHOSTUNREACH'],
    [error('connect ENFILE 127.0.0.1:80 - Local (undefined:undefined)', { code: 'ENFILE', syscall: 'connect' }), 1213, 'dial: too many open files in the system (ENFILE): the kernel has no file left for a socket'],
    [error('read ECONNRESET', { code: 'ECONNRESET', syscall: 'read' }), 1220, 'read: connection reset by peer'],
    [error('write ECONNRESET', { code: 'ECONNRESET', syscall: 'write' }), 1220, 'write: connection reset by peer'],
    [error('write EPIPE', { code: 'EPIPE', syscall: 'write' }), 1201, 'write: broken pipe'],
    [error('socket hang up', { code: 'ECONNRESET' }), 1000, 'EOF'],
    [error('aborted', { code: 'ECONNRESET' }), 1000, 'unexpected EOF'],
    [error('Parse Error: Expected HTTP/', { code: 'HPE_INVALID_CONSTANT' }), 1000, 'malformed HTTP response (Parse Error: Expected HTTP/)'],
    [error('write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:ssl3_record.c:350:\n', { code: 'EPROTO', syscall: 'write' }), 1301, 'tls: first record does not look like a TLS handshake'],
    [error('wrong version number', { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }), 1301, 'tls: first record does not look like a TLS handshake'],
    [error('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 1310, 'x509: unknown authority'],
    [error('unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 1310, 'x509: unknown authority'],
    [error("Hostname/IP does not match certificate's altnames", { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 1311, "x509: certificate doesn't match hostname"],
    [error('certificate has expired', { code: 'CERT_HAS_EXPIRED' }), 1300, 'tls: certificate has expired'],
    [error('Client network socket disconnected before secure TLS connection was established', { code: 'ECONNRESET' }), 1300, 'tls: connection closed during the handshake'],
    [error('read ENOTCONN', { code: 'ENOTCONN', syscall: 'read' }), 1200, 'read: ENOTCONN'],
    [error('something else'), 1000, 'something else'],
  ])('%s', (input, code, message) => {
    expect(classifyError(input)).toEqual({ code, message });
  });

  it("names the process's open-files limit when it has no file left for a connection", () => {
    const failure = classifyError(error('connect EMFILE 127.0.0.1:80 - Local (undefined:undefined)', { code: 'EMFILE', syscall: 'connect' }));
    expect(failure).toEqual({ code: 1213, message: `dial: too many open files (EMFILE): this process may hold ${openFilesLimit()}, one per connection (\`ulimit -n\`)` });
    expect(openFilesLimit()).toBeGreaterThan(0);
  });

  it.each([
    [200, 0],
    [302, 0],
    [399, 0],
    [400, 1400],
    [404, 1404],
    [503, 1503],
  ])('status %i → error code %i', (status, code) => {
    expect(statusErrorCode(status)).toBe(code);
  });
});
