import { describe, expect, it } from 'vitest';
import { classify } from '../../../../src/protocols/ws/socket.js';

function error(message: string, code?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('classify: the error tag of ws_errors', () => {
  it.each([
    [error('getaddrinfo ENOTFOUND nowhere.test', 'ENOTFOUND'), 'dns'],
    [error('getaddrinfo EAI_AGAIN nowhere.test', 'EAI_AGAIN'), 'dns'],
    [error('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), 'refused'],
    [error('Opening handshake has timed out'), 'timeout'],
    [error('connect ETIMEDOUT 10.0.0.1:443', 'ETIMEDOUT'), 'timeout'],
    [error('read ECONNRESET', 'ECONNRESET'), 'reset'],
    [error('socket hang up'), 'reset'],
    [error('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [error('certificate has expired', 'CERT_HAS_EXPIRED'), 'tls'],
    [error('wrong version number', 'ERR_SSL_WRONG_VERSION_NUMBER'), 'tls'],
    [error('Unexpected server response: 403'), 'handshake_status'],
    [error('connect EMFILE 127.0.0.1:80 - Local (undefined:undefined)', 'EMFILE'), 'open_files'],
    [error('connect ENFILE 127.0.0.1:80 - Local (undefined:undefined)', 'ENFILE'), 'open_files'],
    [error('Invalid WebSocket frame: invalid opcode 15', 'WS_ERR_INVALID_OPCODE'), 'protocol'],
  ] as const)('%s → %s', (input, kind) => {
    expect(classify(input)).toBe(kind);
  });
});
