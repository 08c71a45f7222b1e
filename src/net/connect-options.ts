/**
 * How a VU's connection to `url` is made under the network options: the `hosts` override as a
 * custom DNS lookup, and the TLS settings (skip verification, client certificate for the domain).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { NetworkOptions } from '../options/network.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family: number) => void;

export interface ConnectOptions {
  lookup?: (hostname: string, options: LookupOptions, callback: LookupCallback) => void;
  rejectUnauthorized?: boolean;
  cert?: string;
  key?: string;
}

export function connectOptions(network: NetworkOptions, url: URL): ConnectOptions {
  const options: ConnectOptions = {};
  if (Object.keys(network.hosts).length > 0) {
    options.lookup = (hostname, lookupOptions, callback) => {
      const address = network.hosts[hostname];
      if (address === undefined) {
        dnsLookup(hostname, lookupOptions, callback);
        return;
      }
      const family = isIP(address);
      if (lookupOptions.all === true) callback(null, [{ address, family }], family);
      else callback(null, address, family);
    };
  }
  if (url.protocol === 'wss:' || url.protocol === 'https:') {
    if (network.insecureSkipTLSVerify) options.rejectUnauthorized = false;
    const certificate = network.tlsAuth.find((c) => c.domains.includes(url.hostname));
    if (certificate !== undefined) {
      options.cert = certificate.cert;
      options.key = certificate.key;
    }
  }
  return options;
}
