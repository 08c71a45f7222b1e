/**
 * How the run speaks on stderr while it goes: VU console output and script errors, with positions
 * mapped to the user's sources. A flood of one repeated error prints a few times, then is counted.
 */
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import type { Output } from '../io.js';
import type { WorkerError, WorkerLog } from '../worker/messages.js';
import type { Isolation } from '../sandbox/code.js';

/** Prints of one distinct error before further ones are only counted. */
const REPEATS_PRINTED = 3;

export interface StackMapper {
  /** The stack with bundle positions replaced by the user's file:line:col. */
  (stack: string): string;
}

const LEVEL_LABEL: Record<WorkerLog['level'], string> = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG' };

export class ConsoleOutput {
  readonly #stderr: Output;
  readonly #mapStack: StackMapper;
  readonly #isolation: Isolation;
  readonly #seen = new Map<string, number>();
  readonly #verbose: boolean;

  constructor(stderr: Output, mapStack: StackMapper, isolation: Isolation, verbose = false) {
    this.#stderr = stderr;
    this.#mapStack = mapStack;
    this.#isolation = isolation;
    this.#verbose = verbose;
  }

  logs(logs: readonly WorkerLog[]): void {
    let text = '';
    for (const log of logs) {
      if (log.level === 'debug' && !this.#verbose) continue;
      text += `${LEVEL_LABEL[log.level]} [VU ${log.vu}] ${log.text}\n`;
    }
    if (text !== '') this.#stderr.write(text);
  }

  errors(errors: readonly WorkerError[]): void {
    for (const error of errors) {
      if (error.kind === 'abandoned') continue;
      const line = this.describe(error);
      // Errors that differ only in numbers (a VU id, an index, a port) are one error repeating.
      const key = line.replace(/^\S+ \[VU [^\]]*\] /, '').replace(/\d+/g, '#');
      const count = (this.#seen.get(key) ?? 0) + 1;
      this.#seen.set(key, count);
      if (count <= REPEATS_PRINTED) this.#stderr.write(`${line}\n`);
      if (count === REPEATS_PRINTED) this.#stderr.write('       (this error repeats; further occurrences are counted, not printed)\n');
    }
  }

  /** One line: what went wrong, in which VU, at which line of the user's script. */
  describe(error: WorkerError): string {
    const where = this.position(error.error);
    const at = where === '' ? '' : ` at ${where}`;
    switch (error.kind) {
      case 'timeout':
        return `ERROR [VU ${error.vu}] stopped: the VU's code ran for longer than the sandbox call timeout${at} (an endless loop?); its iteration failed and the test goes on`;
      case 'memory':
        return `ERROR [VU ${error.vu || '?'}] ran out of memory: ${error.error.message}${at}; the isolate was rebuilt (init ran again for its VUs) and the test goes on`;
      case 'callback':
        return `ERROR [VU ${error.vu}] ${this.message(error.error)}${at} (${error.where ?? 'in a callback'}; the VU goes on)`;
      case 'internal':
        return `ERROR [VU ${error.vu || '?'}] ${error.error.message}; its iteration failed and the test goes on`;
      case 'iteration':
      case 'abandoned':
        return `ERROR [VU ${error.vu}] ${this.message(error.error)}${at}`;
      default: {
        const unknown: never = error.kind;
        return `ERROR [VU ${error.vu}] ${String(unknown)}: ${error.error.message}`;
      }
    }
  }

  /** The error message, with a hint when it is a write the frozen shared realm refused. */
  message(error: ScriptErrorInfo): string {
    const frozen = /Cannot (add property|assign to read only property|define property)|object is not extensible/.test(error.message);
    if (frozen && this.#isolation === 'compartment') {
      return `${error.message} (VUs share a frozen realm in compartment isolation, so globals and builtins cannot be changed; keep state in module variables, or run with --isolation context)`;
    }
    return error.message;
  }

  /** "message at file:line:col" for an error a script threw ('interrupted' when there is none). */
  failure(error: ScriptErrorInfo | null): string {
    if (error === null) return 'interrupted';
    const where = this.position(error);
    return `${this.message(error)}${where === '' ? '' : ` at ${where}`}`;
  }

  /** The first position in the user's sources, e.g. "script.ts:12:5", or '' when the stack has none. */
  position(error: ScriptErrorInfo): string {
    const mapped = this.#mapStack(error.stack);
    for (const line of mapped.split('\n').slice(1)) {
      // Frames of wsk's runtime or of the host (a crossing's own stack) are not the script's.
      if (line.includes('wsk-runtime.js') || line.includes('<isolated-vm') || line.includes('file://') || /\(?node:/.test(line)) continue;
      const match = /\(?([^\s()]+:\d+:\d+)\)?\s*$/.exec(line);
      if (match !== null) return match[1]!;
    }
    return '';
  }

  /** Distinct errors that were counted but not printed, for the end of the run. */
  suppressed(): number {
    let total = 0;
    for (const count of this.#seen.values()) total += Math.max(0, count - REPEATS_PRINTED);
    return total;
  }
}
