/**
 * The `wsk/crypto` module (alias `k6/crypto`): hashes, HMACs and random bytes in k6's shape, computed
 * by the host's crypto (one call per digest; a Hasher keeps its inputs until digest()).
 */
import type * as Crypto from 'wsk/crypto';
import type { RealmServices } from '../vu.js';
import { textOrBytes } from './encoding.js';

type Input = string | ArrayBuffer;
const ALGORITHMS = ['md4', 'md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160'] as const;

function digest(services: RealmServices, algorithm: string, key: Input | null, inputs: Input[], encoding: string): string | ArrayBuffer {
  return services.host('digest', algorithm, key, inputs, encoding) as string | ArrayBuffer;
}

/** createHash() and createHMAC(): defined once per realm, not per VU. */
class Hasher {
  readonly #services: RealmServices;
  readonly #algorithm: string;
  readonly #key: Input | null;
  readonly #inputs: Input[] = [];

  constructor(services: RealmServices, algorithm: string, key: Input | null) {
    this.#services = services;
    this.#algorithm = algorithm;
    this.#key = key;
  }

  update(input: string | ArrayBuffer | ArrayBufferView): void {
    this.#inputs.push(textOrBytes(input, 'update()'));
  }

  digest(encoding: Crypto.OutputEncoding = 'binary'): string | ArrayBuffer {
    return digest(this.#services, this.#algorithm, this.#key, this.#inputs, encoding);
  }
}

export function createCryptoModule(services: RealmServices): typeof Crypto {
  const module: Record<string, unknown> = {
    createHash: (algorithm: string) => new Hasher(services, algorithm, null),
    createHMAC: (algorithm: string, secret: string | ArrayBuffer | ArrayBufferView) => new Hasher(services, algorithm, textOrBytes(secret, 'createHMAC()')),
    hmac: (algorithm: string, secret: string | ArrayBuffer, data: string | ArrayBuffer, encoding: Crypto.OutputEncoding = 'binary') =>
      digest(services, algorithm, textOrBytes(secret, 'hmac()'), [textOrBytes(data, 'hmac()')], encoding),
    randomBytes: (size: number) => services.host('randomBytes', size) as ArrayBuffer,
  };
  for (const algorithm of ALGORITHMS) {
    module[algorithm] = (input: string | ArrayBuffer, encoding: Crypto.OutputEncoding = 'binary') =>
      digest(services, algorithm, null, [textOrBytes(input, `${algorithm}()`)], encoding);
  }
  return module as unknown as typeof Crypto;
}

/** What every VU of a realm reaches: frozen by lockdown. */
export const REALM_SHARED: readonly object[] = [Hasher];
