import { startTarget } from './server.js';
import type { TargetKind, TargetOptions } from './types.js';

/**
 * The body of `wsk serve`: starts the target, prints `wsk serve <kind> listening on <url>` (the line
 * `spawnTarget` waits for), serves until `until` settles, then closes every socket and the server.
 */
export async function serveUntil(
  kind: TargetKind,
  options: TargetOptions,
  out: { write(text: string): void },
  until: Promise<unknown>,
): Promise<void> {
  const target = await startTarget(kind, options);
  out.write(`wsk serve ${kind} listening on ${target.url}\n`); // LISTENING_LINE
  try {
    await until;
  } finally {
    await target.close();
  }
}
