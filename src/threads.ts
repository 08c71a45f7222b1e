import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from './package-root.js';

/**
 * The file a thread of wsk starts from: its entry module bundled into one file by `npm run build`
 * (build/bundle-dist.mjs), which loads in about a third of the CPU of the modules it is made of.
 */
export function threadEntry(name: 'worker' | 'pacer-thread'): URL {
  return pathToFileURL(path.join(packageRoot(fileURLToPath(import.meta.url)), 'dist', 'bundle', `${name}.mjs`));
}
