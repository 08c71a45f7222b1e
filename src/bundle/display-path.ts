import path from 'node:path';
import { isRemoteUrl } from './remote-url.js';

/** `file` relative to `dir` when it is inside it, else absolute: how messages name the user's files. A remote module is its URL. */
export function displayPath(file: string, dir: string): string {
  if (isRemoteUrl(file)) return file;
  const relative = path.relative(dir, file);
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? file : relative;
}
