// Vitest global setup: the whole run writes its temporary files under one directory of its own,
// which is removed when the run ends. Test files, the wsk processes they spawn and the servers
// they start all inherit TMPDIR, so a test that forgets to clean up leaves nothing behind.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-vitest-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
