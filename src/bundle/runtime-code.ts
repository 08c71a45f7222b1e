/**
 * Builds the sandbox runtime (runtime/index.ts and what it imports) into one script whose completion
 * value is the runtime's `boot` function. Done once per run by the coordinator; workers receive the string.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { packageRoot } from '../package-root.js';

let cached: Promise<string> | undefined;

export function runtimeCode(): Promise<string> {
  cached ??= buildRuntime();
  return cached;
}

async function buildRuntime(): Promise<string> {
  const entry = path.join(packageRoot(fileURLToPath(import.meta.url)), 'runtime', 'index.ts');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'silent',
    sourcemap: false,
  });
  const code = result.outputFiles[0]?.text ?? '';
  // Strict, so no runtime function is the `.caller` of a script's sloppy function (made with `Function`):
  // that would hand the script the realm's router. A directive counts only as the first statement, so
  // esbuild's own "use strict" (after the `var` line) does nothing.
  return `(function () { "use strict"; var module = { exports: {} }, exports = module.exports;\n${code}\nreturn module.exports.boot; })()`;
}
