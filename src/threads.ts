import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from './package-root.js';

const ROOT = packageRoot(fileURLToPath(import.meta.url));

/**
 * The file a thread of wsk starts from: its entry module bundled into one file by `npm run build`
 * (build/bundle-dist.mjs), which loads in about a third of the CPU of the modules it is made of.
 */
export function threadEntry(name: 'worker' | 'pacer-thread'): URL {
  return pathToFileURL(path.join(ROOT, 'dist', 'bundle', `${name}.cjs`));
}

/**
 * A thread running `entry`: a bundle of threadEntry() through dist/src/run-bundle.cjs, which keeps its
 * compiled code between runs; any other module (a test's) as Node loads it.
 */
export function startThread(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.cjs')) return new Worker(entry, options);
  const loader = path.join(ROOT, 'dist', 'src', 'run-bundle.cjs');
  return new Worker(`require(${JSON.stringify(loader)}).runBundle(${JSON.stringify(fileURLToPath(entry))});`, { ...options, eval: true });
}
