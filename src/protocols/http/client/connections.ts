/**
 * A VU's connections: one keep-alive agent per scheme, so the VU reuses its connections across
 * iterations as in k6, and the network options (`hosts`, TLS) worked out once per host.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connectOptions, type ConnectOptions } from '../../../net/connect-options.js';
import type { NetworkOptions } from '../../../options/network.js';
import type { HttpClientOptions } from './types.js';

export class Connections {
  readonly #network: NetworkOptions;
  readonly #agentOptions: { keepAlive: boolean; maxSockets: number };
  readonly #http: HttpAgent;
  /** Made for the first https:// request: a VU that makes none never loads https and tls (build/bundle-dist.mjs). */
  #https: HttpsAgent | undefined;
  /** By scheme and host name: the lookup and TLS settings of connectOptions. */
  readonly #connect = new Map<string, ConnectOptions>();

  constructor(network: NetworkOptions, options: HttpClientOptions) {
    this.#network = network;
    // Without keep-alive the agent never pools a socket (the request asks for `Connection: close` too).
    this.#agentOptions = {
      keepAlive: !options.noConnectionReuse,
      maxSockets: options.maxSocketsPerHost > 0 ? options.maxSocketsPerHost : Infinity,
    };
    this.#http = new HttpAgent(this.#agentOptions);
  }

  /** Starts a request; the caller writes the body. Throws what http.request throws (e.g. a bad header). */
  open(url: URL, method: string, headers: Record<string, string>): ClientRequest {
    const secure = url.protocol === 'https:';
    const host = url.hostname;
    const options: RequestOptions & ConnectOptions = {
      method,
      // URL keeps an IPv6 address in brackets; the socket wants it bare.
      hostname: host.startsWith('[') ? host.slice(1, -1) : host,
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path: url.pathname + url.search,
      headers,
      agent: secure ? (this.#https ??= new HttpsAgent(this.#agentOptions)) : this.#http,
    };
    const connect = this.#connectFor(url);
    if (connect.lookup !== undefined) options.lookup = connect.lookup;
    if (connect.rejectUnauthorized !== undefined) options.rejectUnauthorized = connect.rejectUnauthorized;
    if (connect.cert !== undefined) options.cert = connect.cert;
    if (connect.key !== undefined) options.key = connect.key;
    return secure ? httpsRequest(options) : httpRequest(options);
  }

  /** Closes every connection, idle or busy: requests still running end with an error. */
  destroy(): void {
    this.#http.destroy();
    this.#https?.destroy();
  }

  #connectFor(url: URL): ConnectOptions {
    const key = url.protocol + url.hostname;
    let options = this.#connect.get(key);
    if (options === undefined) {
      options = connectOptions(this.#network, url);
      this.#connect.set(key, options);
    }
    return options;
  }
}
