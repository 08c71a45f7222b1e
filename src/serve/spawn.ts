/**
 * Runs a target in its own process, so serving it does not take CPU from the load generator's
 * event loop and distort what it measures.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WskError } from '../errors.js';
import { LIFELINE_ENV, LIFELINE_FD } from '../io.js';
import { packageRoot } from '../package-root.js';
import { serveFlagArgs } from './flags.js';
import { LISTENING_LINE, type TargetKind, type TargetOptions } from './types.js';

const READY_TIMEOUT_MS = 15_000;
const KILL_AFTER_MS = 3_000;

export interface SpawnedTarget {
  readonly url: string;
  /**
   * SIGTERM, then SIGKILL if it has not exited after 3 s; resolves once it has exited. Should this
   * process die first, the target goes too.
   */
  stop(): Promise<void>;
}

/** Starts `wsk serve <kind>` (port 0 unless `options.port` says otherwise); resolves once it printed its URL. */
export function spawnTarget(kind: TargetKind, options: TargetOptions): Promise<SpawnedTarget> {
  const bin = path.join(packageRoot(fileURLToPath(import.meta.url)), 'bin', 'wsk.js');
  // With the flag bin/wsk.js runs the CLI itself instead of re-executing Node: one process, not two.
  // Descriptor 3 is the target's lifeline (src/io.ts): it reads the end when this process dies,
  // however it dies (a second Ctrl+C ends it with SIGKILL), and the target then stops.
  const child = spawn(process.execPath, ['--no-node-snapshot', bin, 'serve', kind, ...serveFlagArgs(options)], {
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    env: { ...process.env, [LIFELINE_ENV]: '1' },
  });
  // Held open, never read: the target writes to it only as it ends itself hard.
  child.stdio[LIFELINE_FD]!.on('error', () => {});
  const stdout = child.stdout!; // 'pipe' above
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    // No pid: it never started, so there is nothing to end.
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let output = '';
    const fail = (reason: string): void => {
      cleanUp();
      void stop();
      reject(new WskError('IO', `wsk serve ${kind}: ${reason}`));
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const url = LISTENING_LINE.exec(output)?.[1];
      if (url === undefined) return;
      cleanUp();
      stdout.resume(); // keep draining, so later output never blocks the child on a full pipe
      resolve({ url, stop });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      fail(`exited (${signal ?? `code ${String(code)}`}) before it was listening; its stderr is above`);
    };
    const onError = (error: Error): void => fail(`cannot start: ${error.message}`);
    const timer = setTimeout(() => fail(`not listening after ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const cleanUp = (): void => {
      clearTimeout(timer);
      stdout.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
