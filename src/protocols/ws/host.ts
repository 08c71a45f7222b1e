/**
 * The host side of `wsk/ws` in one worker: the VUs' sockets (socket.ts), each known by the id its
 * VU's realm gave it, until the sandbox has heard the last of it.
 */
import { handlers, type SandboxEvent } from '../../../runtime/protocol.js';
import type { Tags } from '../../types.js';
import type { ProtocolContext, ProtocolHost, VuPort } from '../types.js';
import type { SocketAction } from './messages.js';
import { HostSocket, type SocketOwner } from './socket.js';
import { pacerReady, stopPacer } from './pacer.js';
import { releaseBytes } from '../../net/held-bytes.js';
import { SmallMap } from '../../small-map.js';

export function openWs(context: ProtocolContext): ProtocolHost {
  /** Open sockets by VU, then by the id the VU's realm gave them (a VU mostly holds one: see SmallMap). */
  const sockets = new Map<number, SmallMap<HostSocket>>();
  const socketsOf = (vu: VuPort): SmallMap<HostSocket> => {
    let mine = sockets.get(vu.id);
    if (mine === undefined) sockets.set(vu.id, (mine = new SmallMap()));
    return mine;
  };
  /** Sockets with traffic since the last count: an idle fleet costs nothing per metrics interval. */
  const active = new Set<HostSocket>();
  const socket = (vu: VuPort, id: number): HostSocket | undefined => sockets.get(vu.id)?.get(id);
  /** ping() and stream() await an answer, which a socket that is gone gives here. */
  const gone = (vu: VuPort, op: number, call: string): void => vu.deliver(['reject', op, `${call}(): the socket is closed`]);
  // A script that streams gets the pacer thread booting with its first socket, not its first stream:
  // booting takes 100 to 400 ms of a busy core, while the worker paces the streams that started.
  let warmPacer = /\.stream\s*\(/.test(context.scriptCode);

  return {
    actions: handlers<SocketAction, [vu: VuPort]>({
      wsOpen: ([, , op, id, url, options], vu) => {
        if (warmPacer) {
          warmPacer = false;
          pacerReady();
        }
        const home = new SocketHome(vu, id, socketsOf(vu), sockets, active, context.record);
        try {
          home.socket = new HostSocket(home, op, id, url, options, context.network());
          home.mine.set(id, home.socket);
        } catch (error) {
          // The ws library refuses a malformed URL before any connection is tried.
          vu.deliver(['reject', op, `${options.call}(${url}): ${(error as Error).message}`]);
        }
      },
      wsSend: (action, vu) => socket(vu, action[2])?.act(action),
      wsRequest: (action, vu) => {
        const target = socket(vu, action[3]);
        // Gone: the sandbox hears of its close next, as a request it made would have ended there.
        if (target !== undefined) target.act(action);
        else vu.deliver(['resolve', action[2], []]);
      },
      wsListen: (action, vu) => socket(vu, action[2])?.act(action),
      wsClose: (action, vu) => socket(vu, action[2])?.act(action),
      wsReqEnd: (action, vu) => socket(vu, action[2])?.act(action),
      wsPing: (action, vu) => {
        const target = socket(vu, action[3]);
        if (target !== undefined) target.act(action);
        else gone(vu, action[2], 'ping');
      },
      wsStream: (action, vu) => {
        const target = socket(vu, action[3]);
        if (target !== undefined) {
          target.act(action);
          return;
        }
        releaseBytes(action[4]);
        gone(vu, action[2], 'stream');
      },
    }),
    endIteration: (vu) => {
      // A k6/websockets WebSocket lives as long as the iteration that opened it.
      for (const open of sockets.get(vu.id)?.values() ?? []) if (open.perIteration) open.detach();
    },
    stopVu: (vu) => {
      // Sockets live until their VU stops: the end of the test, or a rebuild of its isolate.
      for (const open of sockets.get(vu.id)?.values() ?? []) open.terminate();
      sockets.delete(vu.id);
    },
    countTraffic: () => {
      for (const open of active) if (!open.countTraffic()) active.delete(open);
    },
    // The pacer thread would keep the worker alive once its sockets are gone.
    close: stopPacer,
  };
}

/**
 * Where a socket reports to: its VU and the worker's tables. An object of its own per socket, with
 * methods on the class, where an object literal with closures cost a few hundred bytes more in a
 * fleet of idle sockets.
 */
class SocketHome implements SocketOwner {
  /** The socket, once its constructor has returned (ws connects asynchronously, so no traffic comes before). */
  socket: HostSocket | undefined;
  readonly mine: SmallMap<HostSocket>;
  readonly record: ProtocolContext['record'];
  readonly #vu: VuPort;
  readonly #id: number;
  readonly #sockets: Map<number, SmallMap<HostSocket>>;
  readonly #withTraffic: Set<HostSocket>;

  /** `mine`: the VU's sockets, in `sockets`; `withTraffic`: the sockets the next count visits. */
  constructor(vu: VuPort, id: number, mine: SmallMap<HostSocket>, sockets: Map<number, SmallMap<HostSocket>>, withTraffic: Set<HostSocket>, record: ProtocolContext['record']) {
    this.mine = mine;
    this.record = record;
    this.#vu = vu;
    this.#id = id;
    this.#sockets = sockets;
    this.#withTraffic = withTraffic;
  }

  deliver(event: SandboxEvent): void {
    this.#vu.deliver(event);
  }

  tags(group: string, own: Record<string, string> | null): Tags {
    return this.#vu.tags(group, own);
  }

  /** The socket is over and its VU heard the last of it. */
  forget(): void {
    // What traffic it has left is counted now, not at the next count: left among the sockets with
    // traffic until then, a closed socket and its buffers would live up to a metrics interval longer.
    const socket = this.socket;
    if (socket !== undefined && this.#withTraffic.delete(socket)) socket.countTraffic();
    this.mine.delete(this.#id);
    if (this.mine.size === 0 && this.#sockets.get(this.#vu.id) === this.mine) this.#sockets.delete(this.#vu.id);
  }

  active(): void {
    if (this.socket !== undefined) this.#withTraffic.add(this.socket);
  }
}
