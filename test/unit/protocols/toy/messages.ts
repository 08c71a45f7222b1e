/** The toy protocol's crossing: one action out of the sandbox, one event into it. */

/** Shout `text`; the op resolves with it in capitals. */
export type ShoutAction = [kind: 'toyShout', vu: number, op: number, text: string, tags: Record<string, string> | null];
export type ToyAction = ShoutAction;

/** The host heard a shout and echoes it to the VU's listeners. */
export type EchoEvent = [kind: 'toyEcho', vu: number, text: string];
export type ToyEvent = EchoEvent;
