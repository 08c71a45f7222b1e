// What a run loads where: the CLI's own thread never loads a protocol's client (ws, Node's http and
// tls under it), which only the workers use, and neither thread loads the Node modules that only some
// runs use before one does. Each such module costs milliseconds of every run's start-up, since Node
// compiles its own modules from source when started without its snapshot.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from '../unit/protocols/http/self-signed.js';
import { scriptDir, wsk } from './harness.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** An echo WebSocket server on 127.0.0.1, over TLS (self-signed) when `secure`; its URL. */
async function echoServer(secure: boolean): Promise<string> {
  const server = secure ? createHttpsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }) : createHttpServer();
  servers.push(server);
  new WebSocketServer({ server }).on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${secure ? 'wss' : 'ws'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * Runs `source` with a preload that has each thread of the CLI's process write the Node modules it
 * loaded; what thread 0 (the CLI's) and thread 1 (the worker) loaded. With `again`, what the second
 * of two runs loaded: the first bundles the script with esbuild, the second finds it kept.
 */
async function loadedBy(source: string, env: Record<string, string> = {}, again = false): Promise<{ cli: string[]; worker: string[] }> {
  const dir = scriptDir({ 'script.ts': source });
  if (again) {
    const first = await wsk(['run', '--quiet', 'script.ts'], { cwd: dir, env });
    expect(first.code, first.stderr).toBe(0);
  }
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
  const result = await wsk(['run', '--quiet', 'script.ts'], { cwd: dir, env: { ...env, NODE_OPTIONS: `--require ${preload}` } });
  expect(result.code, result.stderr).toBe(0);
  const loaded = (thread: 0 | 1): string[] => {
    const [file] = readdirSync(dir).filter((name) => name.startsWith('loaded.cli.') && name.endsWith(`.${thread}.txt`));
    expect(file, `the CLI's thread ${thread} wrote what it loaded`).toBeDefined();
    return readFileSync(path.join(dir, file!), 'utf8').split('\n');
  };
  return { cli: loaded(0), worker: loaded(1) };
}

const ofThese = (loaded: string[], names: string[]): string[] => loaded.filter((name) => names.includes(`${name.replace('NativeModule ', '')}`)).sort();

describe('start-up', () => {
  it("loads the protocols' clients in the worker, not in the CLI's thread", async () => {
    const { cli, worker } = await loadedBy(`import ws from 'wsk/ws';
import http from 'wsk/http';
export const options = { iterations: 1 };
export default function () {
  if (typeof ws.open !== 'function' || typeof http.get !== 'function') throw new Error('no protocol modules');
}
`);
    expect(ofThese(cli, ['http', 'https', 'tls'])).toEqual([]);
    // https and tls wait for a request or socket that uses them.
    expect(ofThese(worker, ['http', 'https', 'tls'])).toEqual(['NativeModule http']);
  });

  it('loads only the client a script uses, and TLS only for wss://, where it works as ever', async () => {
    const script = (url: string) => `import ws from 'wsk/ws';
import { check } from 'wsk';
export const options = { iterations: 1, insecureSkipTLSVerify: true, thresholds: { checks: ['rate==1'] } };
export default async function () {
  const socket = await ws.open(${JSON.stringify(url)});
  check(await socket.request('hello'), { echoed: (replies) => replies.length === 1 && replies[0] === 'hello' });
  socket.close();
}
`;
    const plain = await loadedBy(script(await echoServer(false)));
    expect(ofThese(plain.worker, ['http', 'https', 'tls'])).toEqual(['NativeModule http']);
    const secure = await loadedBy(script(await echoServer(true)));
    expect(ofThese(secure.worker, ['http', 'https', 'tls'])).toEqual(['NativeModule http', 'NativeModule https', 'NativeModule tls']);
  });

  it("loads none of the Node modules only some runs use in a one-connection test of ws://, and each when it is used", async () => {
    const lazy = ['child_process', 'dns', 'fs/promises', 'https', 'tls', 'v8', 'zlib'];
    const url = await echoServer(false);
    const plain = await loadedBy(
      `import ws from 'wsk/ws';
export const options = { iterations: 1 };
export default async function () {
  const socket = await ws.open(${JSON.stringify(url)});
  await socket.request('hello');
  socket.close();
}
`,
      {},
      true,
    );
    expect(ofThese(plain.cli, lazy)).toEqual([]);
    // The worker's v8 is loaded as its thread ends (worker.ts), after the preload wrote its list.
    expect(ofThese(plain.worker, lazy)).toEqual([]);
    // A compressed body loads zlib, as it is inflated.
    const server = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(gzipSync('compressed'));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const used = await loadedBy(`import http from 'wsk/http';
import { check } from 'wsk';
export const options = { iterations: 1, thresholds: { checks: ['rate==1'] } };
export default async function () {
  const response = await http.get('http://127.0.0.1:${(server.address() as AddressInfo).port}/');
  check(response, { inflated: (r) => r.body === 'compressed' });
}
`);
    expect(ofThese(used.worker, lazy)).toEqual(['NativeModule zlib']);
  });
});
