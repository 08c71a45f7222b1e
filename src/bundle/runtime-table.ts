/**
 * The modules the bundler works from (the core's and the protocols', see ProtocolRegistry), as a
 * parameter so tests can describe modules that do not exist (a toy protocol's).
 */

/**
 * How a bundled script requires runtime module `id` (the stand-ins of plugin.ts write it so): what
 * tells a worker which modules a bundle uses.
 */
export function runtimeRequire(id: string): string {
  return `require(${JSON.stringify(id)})`;
}

export interface BlockingExports {
  readonly named: readonly string[];
  readonly defaultMembers: readonly string[];
}

export interface RuntimeTable {
  /** wsk module id → its exports that return a promise the VU must wait for. The keys are every wsk id. */
  readonly blocking: Readonly<Record<string, BlockingExports>>;
  /** k6 module id → the wsk module id it stands for. */
  readonly aliases: Readonly<Record<string, string>>;
  /** wsk module id → its declaration file, for the protocols' modules (the core's are in types/wsk). */
  readonly declarations?: Readonly<Record<string, string>>;
  /**
   * wsk module id → every name its module object has, for the modules whose members are all plain
   * values (no getter): their stand-ins in the bundle bind each name once (see plugin.ts).
   */
  readonly exports?: Readonly<Record<string, readonly string[]>>;
}

/** The wsk module id `specifier` names (a wsk id, or a k6 alias), or undefined. */
export function runtimeModuleOf(table: RuntimeTable, specifier: string): string | undefined {
  if (Object.hasOwn(table.blocking, specifier)) return specifier;
  return Object.hasOwn(table.aliases, specifier) ? table.aliases[specifier] : undefined;
}

export function isK6Specifier(table: RuntimeTable, specifier: string): boolean {
  return Object.hasOwn(table.aliases, specifier);
}

/** Whether the export reached through `path` (['sleep'], or ['default', 'get']) of module `id` blocks. */
export function isBlockingExport(table: RuntimeTable, id: string, path: readonly string[]): boolean {
  const exports = Object.hasOwn(table.blocking, id) ? table.blocking[id] : undefined;
  if (exports === undefined) return false;
  const [first, second] = path;
  if (path.length === 1 && first !== undefined) return exports.named.includes(first);
  if (path.length === 2 && first === 'default' && second !== undefined) return exports.defaultMembers.includes(second);
  return false;
}

/** Every id a script may import, k6 aliases first, for error messages. */
export function importableModules(table: RuntimeTable): string[] {
  return [...Object.keys(table.aliases), ...Object.keys(table.blocking)];
}
