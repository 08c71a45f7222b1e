import type { TargetHandler } from './types.js';

/** Sends every message back unchanged, text as text and binary as binary. Pings are answered by `ws`. */
export const echoHandler: TargetHandler = (connection) => ({
  onMessage(data, isBinary) {
    connection.send(data, isBinary);
  },
});
