/** A VU's `console`: each call becomes one log action the host prints with the VU id. */
import type { VuState } from './vu.js';

type Level = 'log' | 'info' | 'warn' | 'error' | 'debug';

export function createConsole(state: VuState): Record<Level, (...args: unknown[]) => void> {
  const write = (level: Level) => (...args: unknown[]) => {
    state.services.emit(['log', state.id, level, args.map(format).join(' ')]);
  };
  return { log: write('log'), info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug') };
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return String(value.stack ?? `${value.name}: ${value.message}`);
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  if (typeof value === 'bigint') return `${value}n`;
  if (value !== null && typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}
