/**
 * Each protocol's host side in one worker (src/protocols), opened once: the handler of every action
 * kind a protocol adds, and what the worker tells all of them (a VU stopped, count the traffic).
 */
import { isCoreKind, type Handlers } from '../../runtime/protocol.js';
import type { ProtocolRegistry } from '../protocols/registry.js';
import type { ProtocolContext, ProtocolHost, VuPort } from '../protocols/types.js';

export type ProtocolActionHandler = Handlers<[vu: VuPort]>[string];

export class ProtocolHosts {
  readonly #hosts: readonly ProtocolHost[];
  readonly #actions = new Map<string, ProtocolActionHandler>();

  /**
   * Opens the host sides `registry` has loaded (loadHosts()): an action of another protocol has no
   * handler. Throws when two protocols, or a protocol and the core, claim the same action kind.
   */
  constructor(registry: ProtocolRegistry, context: ProtocolContext) {
    this.#hosts = registry.hosted.map((protocol) => {
      const host = registry.openHost(protocol, context);
      for (const [kind, handler] of Object.entries(host.actions)) {
        if (isCoreKind(kind) || this.#actions.has(kind)) throw new Error(`protocol ${protocol.name}: action kind "${kind}" is taken`);
        this.#actions.set(kind, handler);
      }
      return host;
    });
  }

  /** The handler of a protocol's action kind; undefined when no protocol has it. */
  handler(kind: string): ProtocolActionHandler | undefined {
    return this.#actions.get(kind);
  }

  /** The VU's iteration ended: what it opened for that iteration ends. */
  endIteration(vu: VuPort): void {
    for (const host of this.#hosts) host.endIteration?.(vu);
  }

  /** The VU stopped: what every protocol holds for it (sockets, connections) ends. */
  stopVu(vu: VuPort): void {
    for (const host of this.#hosts) host.stopVu(vu);
  }

  countTraffic(): void {
    for (const host of this.#hosts) host.countTraffic();
  }

  /** The worker stops: what each protocol keeps for the whole worker ends. */
  close(): void {
    for (const host of this.#hosts) host.close?.();
  }
}
