#!/usr/bin/env node
// isolated-vm on Node 20 needs V8's startup snapshot off, which only a process's own command line can
// do: run the CLI in a child Node started with the flag, passing signals and the exit code through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
if (process.execArgv.includes('--no-node-snapshot')) {
  const { cli } = await import(main);
  process.exitCode = await cli(process.argv.slice(2));
} else {
  // Its own process group, so a terminal's Ctrl+C reaches it once, through us, not twice.
  const child = spawn(process.execPath, ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    detached: true,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 105)));
}
