import { describe, expect, it } from 'vitest';
import type { LookupAddress } from 'node:dns';
import { connectOptions } from '../../../src/net/connect-options.js';
import { DEFAULT_NETWORK, readNetworkOptions } from '../../../src/options/network.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('network options', () => {
  it('resolves an overridden host name without DNS, in both lookup shapes', async () => {
    const { lookup } = connectOptions({ ...DEFAULT_NETWORK, hosts: { 'chat.test': '127.0.0.1', 'v6.test': '::1' } }, new URL('ws://chat.test/'));
    const one = await new Promise((resolve) => lookup!('chat.test', {}, (_e, address, family) => resolve([address, family])));
    expect(one).toEqual(['127.0.0.1', 4]);
    const all = await new Promise<LookupAddress[]>((resolve) => lookup!('v6.test', { all: true }, (_e, addresses) => resolve(addresses as LookupAddress[])));
    expect(all).toEqual([{ address: '::1', family: 6 }]);
  });

  it('adds TLS settings only for secure URLs, and the client certificate only for its domains', () => {
    const network = { ...DEFAULT_NETWORK, insecureSkipTLSVerify: true, tlsAuth: [{ domains: ['secure.test'], cert: PEM, key: PEM }] };
    expect(connectOptions(network, new URL('ws://secure.test/'))).toEqual({});
    expect(connectOptions(network, new URL('wss://secure.test/'))).toEqual({ rejectUnauthorized: false, cert: PEM, key: PEM });
    expect(connectOptions(network, new URL('wss://other.test/'))).toEqual({ rejectUnauthorized: false });
  });

  it.each([
    [{ hosts: { 'a.test': 'not-an-ip' } }, 'options.hosts.a.test: invalid value "not-an-ip"; use an IPv4 or IPv6 address, e.g. "127.0.0.1"'],
    [{ insecureSkipTLSVerify: 'yes' }, 'options.insecureSkipTLSVerify: invalid value "yes"; use true or false'],
    [{ tlsAuth: [{ domains: ['a'], cert: 'x', key: PEM }] }, 'options.tlsAuth[0].cert: invalid value "x"; use a PEM string (e.g. open("client.pem"))'],
    [{ tlsAuth: [{ domains: 'a', cert: PEM, key: PEM }] }, 'options.tlsAuth[0].domains: invalid value "a"; use an array of host names'],
  ])('rejects %j', (options, message) => {
    expect(() => readNetworkOptions(options)).toThrow(message);
  });
});
