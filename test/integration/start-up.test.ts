// What a run loads where: the CLI's own thread never loads a protocol's client (ws, Node's http and
// tls under it), which only the workers use. Each such module costs milliseconds of every run's
// start-up, since Node compiles its own modules from source when started without its snapshot.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptDir, wsk } from './harness.js';

describe('start-up', () => {
  it("loads the protocols' clients in the worker, not in the CLI's thread", async () => {
    const dir = scriptDir({
      'script.ts': `import ws from 'wsk/ws';
import http from 'wsk/http';
export const options = { iterations: 1 };
export default function () {
  if (typeof ws.open !== 'function' || typeof http.get !== 'function') throw new Error('no protocol modules');
}
`,
    });
    // Each thread of each Node process (the launcher, the CLI's process) writes the Node modules it loaded.
    const preload = path.join(dir, 'loaded.cjs');
    writeFileSync(
      preload,
      `const { threadId } = require('node:worker_threads');
process.on('exit', () => {
  const kind = process.execArgv.includes('--no-node-snapshot') ? 'cli' : 'launcher';
  require('node:fs').writeFileSync(${JSON.stringify(dir)} + '/loaded.' + kind + '.' + process.pid + '.' + threadId + '.txt', process.moduleLoadList.join('\\n'));
});
`,
    );
    const result = await wsk(['run', '--quiet', 'script.ts'], { cwd: dir, env: { NODE_OPTIONS: `--require ${preload}` } });
    expect(result.code, result.stderr).toBe(0);
    const loaded = (thread: 0 | 1): string[] => {
      const [file] = readdirSync(dir).filter((name) => name.startsWith('loaded.cli.') && name.endsWith(`.${thread}.txt`));
      expect(file, `the CLI's thread ${thread} wrote what it loaded`).toBeDefined();
      return readFileSync(path.join(dir, file!), 'utf8').split('\n');
    };
    const clients = ['NativeModule http', 'NativeModule https', 'NativeModule tls'];
    expect(loaded(0).filter((name) => clients.includes(name))).toEqual([]);
    expect(loaded(1).filter((name) => clients.includes(name)).sort()).toEqual(clients);
  });
});
