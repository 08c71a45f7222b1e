/** What the bundler gives the rest of wsk. */
import type { ImportReference } from '../../runtime/protocol.js';
import type { BundleCache } from './bundle-cache.js';
import type { RemoteOptions } from './remote.js';
import type { RuntimeTable } from './runtime-table.js';

export interface BundleWarning {
  /** Relative to the current directory when inside it, else absolute (as error messages print files). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
  readonly lineText: string;
}

export interface SourcePosition {
  /** Relative to the script's directory when inside it, else absolute. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface Bundle {
  /** Absolute path of the script. */
  readonly entry: string;
  /**
   * Code to run as the body of an async function (init code may await at its top level): it uses
   * the free variables `require`, `module`, `exports` and `__wskExports`, which it calls with the
   * script's exports; runtime modules are `require('<wsk id>')` calls (k6 ids mapped to wsk ids).
   */
  readonly code: string;
  /** Absolute paths of the user's files in the bundle, the entry first. */
  readonly files: readonly string[];
  readonly warnings: readonly BundleWarning[];
  /** What the user's files take from the runtime's modules, for the sandbox to check before their code runs. */
  readonly imports: readonly ImportReference[];
  /** Maps a position in `code` (1-based line and column) to the user's original source, if it maps. */
  mapPosition(line: number, column: number): SourcePosition | undefined;
  /** Rewrites every `<bundleFileName>:<line>:<col>` of a V8 stack into user positions; `lineOffset` = lines prepended before `code`. */
  mapStack(stack: string, bundleFileName: string, lineOffset: number): string;
}

export interface BundleOptions {
  /** Type-check the script with the TypeScript compiler first (`--typecheck`). */
  readonly typecheck?: boolean;
  /** Directory holding `wsk/*.d.ts` for the type check; defaults to the package's `types/`. */
  readonly typesDir?: string;
  /** Directory relative paths are resolved against and messages are relative to; defaults to `process.cwd()`. */
  readonly cwd?: string;
  /** The modules scripts may import; defaults to wsk's own (the registered protocols'). */
  readonly table?: RuntimeTable;
  /** How remote modules are fetched, cached and locked (--offline, --frozen, the cache directory). */
  readonly remote?: RemoteOptions;
  /** Where bundles are kept between runs (bundle-cache.ts); none: bundled every time. Only with wsk's own `table`. */
  readonly cache?: BundleCache;
}
