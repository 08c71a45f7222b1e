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
  /** Every name the module object has, when none is a getter (see RuntimeTable.exports). */
  readonly exports?: readonly string[];
}

/**
 * Declared in types/wsk: `wsk` in index.d.ts, the others as `<name>.d.ts`. wsk/execution lists no
 * names: its `vu`, `scenario` and `instance` are getters (they answer only inside an iteration).
 */
export const CORE_MODULES: readonly CoreModule[] = [
  { id: 'wsk', k6: 'k6', blocking: { named: ['sleep', 'group'], defaultMembers: [] }, exports: ['sleep', 'check', 'group', 'fail', 'randomSeed', 'exec'] },
  { id: 'wsk/metrics', k6: 'k6/metrics', blocking: { named: [], defaultMembers: [] }, exports: ['Counter', 'Gauge', 'Rate', 'Trend'] },
  { id: 'wsk/execution', k6: 'k6/execution', blocking: { named: [], defaultMembers: [] } },
  { id: 'wsk/data', k6: 'k6/data', blocking: { named: [], defaultMembers: [] }, exports: ['SharedArray', 'parseCsv'] },
  { id: 'wsk/encoding', k6: 'k6/encoding', blocking: { named: [], defaultMembers: [] }, exports: ['b64encode', 'b64decode'] },
  {
    id: 'wsk/crypto',
    k6: 'k6/crypto',
    blocking: { named: [], defaultMembers: [] },
    exports: ['createHash', 'createHMAC', 'hmac', 'randomBytes', 'md4', 'md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'ripemd160'],
  },
  { id: 'wsk/summary', k6: 'k6/summary', blocking: { named: [], defaultMembers: [] }, exports: ['textSummary'] },
  { id: 'wsk/html', k6: 'k6/html', blocking: { named: [], defaultMembers: [] }, exports: ['parseHTML'] },
  { id: 'wsk/timers', k6: 'k6/timers', blocking: { named: [], defaultMembers: [] }, exports: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] },
];
