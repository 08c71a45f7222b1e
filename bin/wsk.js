#!/usr/bin/env node
// isolated-vm on Node 20 needs V8's startup snapshot off, which only a process's own command line can
// do: run the CLI in a child Node started with the flag, passing signals and the exit code through.
// CommonJS (bin/package.json): an ES module entry would load Node's module loader too, 10 ms of CPU.
'use strict';
const path = require('node:path');

if (process.execArgv.includes('--no-node-snapshot')) {
  // The CLI bundled into one file by `npm run build` (build/bundle-dist.mjs), run with its code cache.
  const { runBundle } = require('../dist/src/run-bundle.cjs');
  // Each command keeps its own code cache: `wsk run` compiles other code than `wsk serve` or `--help`.
  const { cli, exitWhenIdle } = runBundle(path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs'), { use: process.argv[2] }).exports;
  cli(process.argv.slice(2)).then(exitWhenIdle);
} else {
  // Its own process group, so a terminal's Ctrl+C reaches it once, through us, not twice. Descriptor
  // 3 is its lifeline (src/io.ts): a socket whose other end only we hold, so that when we die, even
  // by SIGKILL, it reads the end and stops. A child that ends itself hard (SIGKILL) first writes its
  // exit code over it, one byte. Required here only: the child, which runs the CLI, has no use for
  // child_process (5 ms to load without the snapshot).
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['--no-node-snapshot', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, WSK_LIFELINE: '1' },
    detached: true,
  });
  let told;
  const lifeline = child.stdio[3];
  lifeline.on('data', (bytes) => {
    told = bytes[bytes.length - 1];
  });
  lifeline.on('error', () => {});
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  // 'close' rather than 'exit': it comes once the lifeline closed too, so after any exit code on it.
  child.on('close', (code, signal) => process.exit(told ?? code ?? (signal === null ? 1 : 105)));
}
