import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

/**
 * The source file `name` beside the module at `moduleUrl`: a protocol's sandbox side and its
 * declarations are read as TypeScript (by esbuild and the type checker), also when the module that
 * names them runs from dist/.
 */
export function protocolFile(moduleUrl: string, name: string): string {
  const file = fileURLToPath(moduleUrl);
  const root = packageRoot(file);
  const dist = path.join(root, 'dist') + path.sep;
  const source = file.startsWith(dist) ? path.join(root, path.relative(dist, file)) : file;
  return path.join(path.dirname(source), name);
}
