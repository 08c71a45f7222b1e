#!/usr/bin/env node
// isolated-vm on Node 20 needs V8's startup snapshot off, which only a process's own command line can
// do: run the CLI in a child Node started with the flag, passing signals and the exit code through.
// CommonJS (bin/package.json): an ES module entry would load Node's module loader too, 10 ms of CPU.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

if (process.execArgv.includes('--no-node-snapshot')) {
  // The CLI bundled into one file by `npm run build` (build/bundle-dist.mjs), run with its code cache.
  const { runBundle } = require('../dist/src/run-bundle.cjs');
  // Each command keeps its own code cache: `wsk run` compiles other code than `wsk serve` or `--help`.
  const { cli, exitWhenIdle } = runBundle(path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs'), { use: process.argv[2] }).exports;
  cli(process.argv.slice(2)).then(exitWhenIdle);
} else {
  // Its own process group, so a terminal's Ctrl+C reaches it once, through us, not twice. The IPC
  // channel is its lifeline: when we die, even by SIGKILL, the channel closes and the child stops
  // (src/io.ts). A child that ends itself hard (SIGKILL) first sends its exit code over it: { wskExit }.
  const child = spawn(process.execPath, ['--no-node-snapshot', ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, WSK_LIFELINE: '1' },
    detached: true,
  });
  let told;
  child.on('message', (message) => {
    if (typeof message?.wskExit === 'number') told = message.wskExit;
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  // 'close' rather than 'exit': it comes once the channel closed too, so after any message.
  child.on('close', (code, signal) => process.exit(told ?? code ?? (signal === null ? 1 : 105)));
}
