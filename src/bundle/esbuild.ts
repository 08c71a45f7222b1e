/**
 * esbuild's API, loaded with `require` on first use. esbuild ships CommonJS; importing it from an ES
 * module makes Node scan its 100 KB for export names before running it, and that scan (with the
 * import's other work) cost 80 ms of a one-second test's start-up. Commands that bundle nothing
 * (`wsk serve`, `wsk report`, `wsk version`) do not load it at all.
 */
import { createRequire } from 'node:module';

type Esbuild = typeof import('esbuild');

let loaded: Esbuild | undefined;

export function esbuild(): Esbuild {
  loaded ??= createRequire(import.meta.url)('esbuild') as Esbuild;
  return loaded;
}
