/**
 * Runs wsk as a user does: the real binary in a child process, on scripts written to a temporary
 * directory. Every target a test starts listens on 127.0.0.1, port 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WSK = path.join(ROOT, 'bin', 'wsk.js');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ReturnType<typeof spawn>;
  readonly done: Promise<RunResult>;
  /** Resolves once stderr or stdout contains `text`. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** What it printed so far, stdout then stderr. */
  output(): string;
}

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** The open-files limit wsk gets (soft and hard), set by the shell that starts it. */
  readonly openFiles?: number;
}

/**
 * Starts `wsk <args>` in `cwd`. A `wsk run` gets one worker thread unless the test says otherwise:
 * a run taking both cores while vitest runs other files beside it makes timing tests flaky.
 */
export function start(args: readonly string[], options: StartOptions = {}): Running {
  const setsWorkers = args.some((arg) => arg === '--workers' || arg === '-w' || arg.startsWith('--workers='));
  const argv = [WSK, ...(args[0] === 'run' && !setsWorkers ? ['run', '--workers', '1', ...args.slice(1)] : args)];
  const [command, commandArgs] =
    options.openFiles === undefined ? [process.execPath, argv] : ['bash', ['-c', `ulimit -n ${options.openFiles} && exec "$0" "$@"`, process.execPath, ...argv]];
  const child = spawn(command, commandArgs, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    done,
    output: () => stdout + stderr,
    waitFor(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const matches = (): boolean => (typeof text === 'string' ? (stdout + stderr).includes(text) : text.test(stdout + stderr));
        if (matches()) return resolve();
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${String(text)}; stderr so far:\n${stderr}`));
        }, timeoutMs);
        const check = (): void => {
          if (!matches()) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
      });
    },
  };
}

export function wsk(args: readonly string[], options: StartOptions = {}): Promise<RunResult> {
  return start(args, options).done;
}

/** A fresh directory with the given files (path → content); returns its path. */
export function scriptDir(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsk-test-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return dir;
}

/** Runs a one-file script; `extra` flags go after `run script.ts`. */
export async function runScript(source: string, extra: readonly string[] = [], name = 'script.ts', files: Record<string, string | Uint8Array> = {}): Promise<RunResult & { dir: string }> {
  const dir = scriptDir({ [name]: source, ...files });
  const result = await wsk(['run', '--quiet', name, ...extra], { cwd: dir });
  return { ...result, dir };
}
