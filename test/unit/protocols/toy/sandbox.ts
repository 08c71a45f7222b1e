/** The sandbox side of the toy protocol: the `wsk/toy` module and its echo listeners. */
import { handlers, kindsOf } from '../../../../runtime/protocol.js';
import type { SandboxProtocol } from '../../../../runtime/vu.js';
import type { ShoutAction, ToyAction, ToyEvent } from './messages.js';

const isToyAction = kindsOf<ToyAction>({ toyShout: true });

const toy: SandboxProtocol = {
  shared: [],
  open(realm) {
    const listeners = new Map<number, ((text: string) => void)[]>();
    return {
      modules: {
        'wsk/toy': (vu) => ({
          shout: (text: string, tags?: Record<string, string>) =>
            realm.hostOp(vu.id, (op): ShoutAction => ['toyShout', vu.id, op, String(text), tags === undefined ? null : { ...tags }]),
          listen: (handler: (text: string) => void) => {
            listeners.set(vu.id, [...(listeners.get(vu.id) ?? []), handler]);
          },
        }),
      },
      events: handlers<ToyEvent>({
        toyEcho: ([, vu, text]) => {
          realm.enter(vu);
          for (const listener of listeners.get(vu) ?? []) {
            try {
              listener(text);
            } catch (error) {
              realm.report(vu, error, 'in a toy listener');
            }
          }
        },
      }),
    };
  },
  describe(action) {
    if (!isToyAction(action)) return undefined;
    return { call: `toy.shout(${JSON.stringify(action[3])})`, op: action[2], tagsAt: 4 };
  },
};

export default toy;
