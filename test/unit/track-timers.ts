/**
 * Follows the timers created from wsk's code (a stack through src/) until `stop()`: the ones still
 * pending are the ones nothing cleared. Counting every timer of the process would count Node's
 * (the Date header's cache) and vitest's own.
 */
import { createHook } from 'node:async_hooks';

export function trackTimers(): { pending(): string[]; stop(): void } {
  const live = new Map<number, string>();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      if (stack.includes('/src/') && !stack.includes('utcDate')) live.set(id, stack);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return {
    pending: () => [...live.values()],
    stop: () => {
      hook.disable();
      Error.stackTraceLimit = limit;
    },
  };
}
