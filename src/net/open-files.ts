/**
 * The open-files limit, which caps how many connections one process holds: every socket is a file.
 * Node raises the soft limit to the hard one as it starts, so the limit a run has is the hard one
 * (`ulimit -Hn`); wsk itself holds a few dozen (its worker threads, esbuild's pipes, stdio).
 */
import { readFileSync } from 'node:fs';

/** Files wsk holds besides its VUs' connections, with room to spare: stdio, threads' event loops, pipes, output files. */
export const OWN_FILES = 100;

/** Read as the module loads: once the process is out of files, reading it fails too. */
const LIMIT = readLimit();

/**
 * The most files this process may hold open (RLIMIT_NOFILE), from /proc/self/limits; undefined
 * where there is no /proc, or no limit.
 */
export function openFilesLimit(): number | undefined {
  return LIMIT;
}

function readLimit(): number | undefined {
  try {
    const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const limit = Number(line?.[1]);
    return Number.isSafeInteger(limit) && limit > 0 ? limit : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `error` is a connection refused for want of a file: the process's limit (EMFILE) or the system's (ENFILE). */
export function outOfFiles(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EMFILE' || error.code === 'ENFILE';
}

/** What to tell the script of a connection that failed for want of a file (see outOfFiles). */
export function outOfFilesText(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENFILE') return 'too many open files in the system (ENFILE): the kernel has no file left for a socket';
  return `too many open files (EMFILE): this process may hold ${LIMIT ?? 'no more'}, one per connection (\`ulimit -n\`)`;
}

/**
 * A warning when `vus` VUs holding a connection each would need more files than `limit`, the
 * process's (undefined when they fit, or the limit is unknown).
 */
export function fleetWarning(vus: number, limit: number | undefined): string | undefined {
  if (limit === undefined || vus + OWN_FILES <= limit) return undefined;
  return (
    `${vus} VUs may need more open files than this process may hold: it may hold ${limit} (\`ulimit -Hn\`), ` +
    `a connection takes one and wsk about ${OWN_FILES}; connections past that fail with error open_files. ` +
    'Raise the hard limit or split the VUs across runs'
  );
}
