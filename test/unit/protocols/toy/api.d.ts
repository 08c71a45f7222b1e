/** `wsk/toy`: a protocol that lives only in the tests, to prove the registry. */
export {};

/** Resolves with `text` in capitals, shouted back by the host. */
export function shout(text: string, tags?: Record<string, string>): Promise<string>;
/** Calls `handler` with every echo of this VU's shouts. */
export function listen(handler: (text: string) => void): void;
