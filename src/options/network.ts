/**
 * Options that change how VUs reach their targets, shared by ws and http: `hosts` (a DNS override:
 * load-test a service by name on a chosen address), `insecureSkipTLSVerify` and `tlsAuth`; and
 * k6's options of its HTTP client: `userAgent`, `noConnectionReuse`, `batchPerHost`, `maxRedirects`,
 * `discardResponseBodies`.
 */
import { isIP } from 'node:net';
import { packageVersion } from '../package-root.js';
import { FieldReader, invalidOption, isFields } from './fields.js';
import type { ScriptOptions } from '../types.js';

export interface ClientCertificate {
  readonly domains: readonly string[];
  readonly cert: string;
  readonly key: string;
}

export interface NetworkOptions {
  /** Host name → IP address. */
  readonly hosts: Readonly<Record<string, string>>;
  readonly insecureSkipTLSVerify: boolean;
  readonly tlsAuth: readonly ClientCertificate[];
  /** Sent with every HTTP request that does not set its own ('' sends none). */
  readonly userAgent: string;
  readonly noConnectionReuse: boolean;
  /** Connections a VU opens to one host at once (http.batch). */
  readonly batchPerHost: number;
  /** Redirects a request follows unless its params say otherwise. */
  readonly maxRedirects: number;
  /** Requests without a responseType get none: their bodies are read and dropped. */
  readonly discardResponseBodies: boolean;
}

export const DEFAULT_USER_AGENT = `wsk/${packageVersion()} (load test)`;

export const DEFAULT_NETWORK: NetworkOptions = {
  hosts: {},
  insecureSkipTLSVerify: false,
  tlsAuth: [],
  userAgent: DEFAULT_USER_AGENT,
  noConnectionReuse: false,
  batchPerHost: 6,
  maxRedirects: 10,
  discardResponseBodies: false,
};

export function readNetworkOptions(options: ScriptOptions): NetworkOptions {
  const fields = new FieldReader(options, 'options');
  const hosts = fields.stringMap('hosts');
  for (const [name, address] of Object.entries(hosts)) {
    if (isIP(address) === 0) throw invalidOption(`options.hosts.${name}`, address, 'use an IPv4 or IPv6 address, e.g. "127.0.0.1"');
  }
  const skip = fields.raw('insecureSkipTLSVerify');
  if (skip !== undefined && typeof skip !== 'boolean') throw invalidOption('options.insecureSkipTLSVerify', skip, 'use true or false');
  const tlsAuth = fields.raw('tlsAuth');
  if (tlsAuth !== undefined && !Array.isArray(tlsAuth)) throw invalidOption('options.tlsAuth', tlsAuth, 'use an array of { domains, cert, key }');
  const userAgent = fields.raw('userAgent');
  if (userAgent !== undefined && typeof userAgent !== 'string') throw invalidOption('options.userAgent', userAgent, 'use a string ("" sends no User-Agent)');
  return {
    hosts,
    insecureSkipTLSVerify: skip === true,
    tlsAuth: (tlsAuth ?? []).map((entry: unknown, i: number) => readCertificate(entry, `options.tlsAuth[${i}]`)),
    userAgent: userAgent ?? DEFAULT_USER_AGENT,
    noConnectionReuse: flag(fields, 'noConnectionReuse'),
    batchPerHost: fields.integer('batchPerHost', 1, DEFAULT_NETWORK.batchPerHost),
    maxRedirects: fields.integer('maxRedirects', 0, DEFAULT_NETWORK.maxRedirects),
    discardResponseBodies: flag(fields, 'discardResponseBodies'),
  };
}

function flag(fields: FieldReader, key: string): boolean {
  const value = fields.raw(key);
  if (value !== undefined && typeof value !== 'boolean') throw invalidOption(fields.pathOf(key), value, 'use true or false');
  return value === true;
}

function readCertificate(entry: unknown, path: string): ClientCertificate {
  if (!isFields(entry)) throw invalidOption(path, entry, 'use an object { domains, cert, key } with PEM strings');
  const fields = new FieldReader(entry, path);
  fields.onlyKeys(['domains', 'cert', 'key'], 'a client certificate');
  const domains = fields.raw('domains');
  if (!Array.isArray(domains) || !domains.every((d) => typeof d === 'string')) {
    throw invalidOption(`${path}.domains`, domains, 'use an array of host names');
  }
  const pem = (key: 'cert' | 'key'): string => {
    const value = fields.raw(key);
    if (typeof value !== 'string' || !value.includes('-----BEGIN')) throw invalidOption(`${path}.${key}`, value, 'use a PEM string (e.g. open("client.pem"))');
    return value;
  };
  return { domains, cert: pem('cert'), key: pem('key') };
}
