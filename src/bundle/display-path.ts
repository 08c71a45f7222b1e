import path from 'node:path';

/** `file` relative to `dir` when it is inside it, else absolute: how messages name the user's files. */
export function displayPath(file: string, dir: string): string {
  const relative = path.relative(dir, file);
  return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? file : relative;
}
