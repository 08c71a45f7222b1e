/**
 * Builds the sandbox runtime (runtime/index.ts and what it imports) and the sandbox side of every
 * registered protocol into one script whose completion value is the realm's `boot` function. Done
 * once per run by the coordinator; workers receive the string.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { PROTOCOLS } from '../protocols/index.js';

const built = new Map<string, Promise<string>>();

/** The runtime with the sandbox sides of `sandboxFiles` (default: wsk's protocols). */
export function runtimeCode(sandboxFiles: readonly string[] = PROTOCOLS.sandboxFiles): Promise<string> {
  const key = sandboxFiles.join('\n');
  let code = built.get(key);
  if (code === undefined) built.set(key, (code = buildRuntime(sandboxFiles)));
  return code;
}

async function buildRuntime(sandboxFiles: readonly string[]): Promise<string> {
  const root = packageRoot(fileURLToPath(import.meta.url));
  // The entry hands the protocols to the runtime, which names none of them itself.
  const imports = sandboxFiles.map((file, i) => `import protocol${i} from ${JSON.stringify(file)};`);
  const entry = [
    `import { bootRealm } from ${JSON.stringify(path.join(root, 'runtime', 'index.ts'))};`,
    ...imports,
    `const protocols = [${sandboxFiles.map((_, i) => `protocol${i}`).join(', ')}];`,
    'export function boot(...args) { return bootRealm(protocols, ...args); }',
  ].join('\n');
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: 'wsk-runtime.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
    sourcemap: false,
    // papaparse (wsk/data's CSV parser) requires Node's streams only in code VUs never run.
    external: ['stream'],
    // entities (wsk/html's parser) decodes its tables with atob, which the sandbox does not have.
    inject: [path.join(root, 'runtime', 'atob.ts')],
  });
  const code = result.outputFiles[0]?.text ?? '';
  // Strict, so no runtime function is the `.caller` of a script's sloppy function (made with `Function`):
  // that would hand the script the realm's router. A directive counts only as the first statement, so
  // esbuild's own "use strict" (after the `var` line) does nothing.
  return `(function () { "use strict"; var module = { exports: {} }, exports = module.exports;\n${code}\nreturn module.exports.boot; })()`;
}
