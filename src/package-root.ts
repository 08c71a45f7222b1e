import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding wsk's package.json, found from a file inside the package (works from src/ and dist/src/). */
export function packageRoot(fromFile: string): string {
  let dir = path.dirname(fromFile);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'runtime'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`wsk: cannot find the package root above ${fromFile}`);
    dir = parent;
  }
}

let version: string | undefined;

/** wsk's version from its package.json, read once. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(packageRoot(fileURLToPath(import.meta.url)), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
