/**
 * Writes `file` whole or not at all: to a temporary name beside it, then renamed over it, so a reader
 * (another run, another thread) never sees half a file, and an interrupted write leaves the old one.
 * Its directory is made if missing. The temporary name is unique to the call: threads of one process
 * may write the same file at once.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeAtomically(file: string, content: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
