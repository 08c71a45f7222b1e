/**
 * The core's modules a script can import, and which of their exports block a VU (so k6-style
 * scripts that call them without `await` are rewritten to await them, and wsk-style scripts get a
 * warning). The protocols add theirs (src/protocols); the registry joins both into the table the
 * bundler works from.
 */
import type { BlockingExports } from './bundle/runtime-table.js';

export interface CoreModule {
  readonly id: string;
  readonly k6: string;
  readonly blocking: BlockingExports;
}

/** Declared in types/wsk: `wsk` in index.d.ts, the others as `<name>.d.ts`. */
export const CORE_MODULES: readonly CoreModule[] = [
  { id: 'wsk', k6: 'k6', blocking: { named: ['sleep', 'group'], defaultMembers: [] } },
  { id: 'wsk/metrics', k6: 'k6/metrics', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/execution', k6: 'k6/execution', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/data', k6: 'k6/data', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/encoding', k6: 'k6/encoding', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/crypto', k6: 'k6/crypto', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/summary', k6: 'k6/summary', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/html', k6: 'k6/html', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/timers', k6: 'k6/timers', blocking: { named: [], defaultMembers: [] } },
];
