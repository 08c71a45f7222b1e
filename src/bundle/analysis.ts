/**
 * Which calls of the user's code block a VU, and which of the user's functions must become async
 * to await them. A call blocks when it calls a blocking runtime export (per the runtime table) or
 * a user function that contains a blocking call it can await; that is a fixed point, computed
 * over every file of the script at once so imports between the user's files (cycles included)
 * are followed without ordering concerns.
 */
import ts = require('typescript');
import { cannotBeAsync, ownerOf, roleOf } from './owners.js';
import { isBlockingExport, isK6Specifier, runtimeModuleOf, type RuntimeTable } from './runtime-table.js';
import type { FunctionLikeNode } from './scope.js';
import { importTarget, isScriptModule, isSourceSpecifier, type SourceHost } from './source-files.js';
import { parseUnit, type SourceUnit } from './units.js';
import { ValueResolver, type UnitGraph, type Value } from './values.js';

/**
 * Calls that run their callback later and wait for the promise it returns: the timers, global or
 * from wsk/timers. A callback of theirs that holds a blocking call becomes async and awaits it,
 * while the call itself (it returns the timer's id) is not awaited.
 */
const TIMER_STARTS = new Set(['setTimeout', 'setInterval']);

/** How a file calls the runtime: k6-style (rewritten to await), wsk-style (checked for missing awaits), or neither. */
export type ScriptStyle = 'k6' | 'wsk' | 'plain';

export class BlockingAnalysis implements UnitGraph {
  readonly table: RuntimeTable;
  readonly values: ValueResolver;
  readonly #host: SourceHost;
  readonly #units = new Map<string, SourceUnit>();
  readonly #unitsByFile = new Map<ts.SourceFile, SourceUnit>();
  readonly #resolved = new Map<string, string | undefined>();
  readonly #styles = new Map<SourceUnit, ScriptStyle>();
  readonly #blockingCalls = new Set<ts.CallExpression>();
  readonly #blockingFunctions = new Set<FunctionLikeNode>();
  readonly #callees = new Map<ts.CallExpression, Value | undefined>();
  readonly #callersOf = new Map<FunctionLikeNode, ts.CallExpression[]>();
  /** Calls not (yet) known to block → callbacks passed to them that hold blocking calls. */
  readonly #waitingOn = new Map<ts.CallExpression, FunctionLikeNode[]>();

  constructor(host: SourceHost, table: RuntimeTable) {
    this.#host = host;
    this.table = table;
    this.values = new ValueResolver(this);
  }

  /** Loads `absolutePath` and the user files it reaches, then settles what blocks. Undefined when unreadable. */
  analyse(absolutePath: string): SourceUnit | undefined {
    const known = this.#units.get(absolutePath);
    if (known !== undefined) return known;
    const loaded = this.#loadGraph(absolutePath);
    this.#settle(loaded);
    return this.#units.get(absolutePath);
  }

  /** Whether `call` starts a timer, which waits for its callback (see TIMER_STARTS). */
  startsTimer(call: ts.CallExpression): boolean {
    const callee = this.callee(call);
    if (callee?.kind === 'runtime') return callee.module === 'wsk/timers' && callee.path.length === 1 && TIMER_STARTS.has(callee.path[0]!);
    return callee === undefined && ts.isIdentifier(call.expression) && TIMER_STARTS.has(call.expression.text);
  }

  isBlockingCall(call: ts.CallExpression): boolean {
    return this.#blockingCalls.has(call);
  }

  /** Whether `fn` blocks: it contains a blocking call and can become async (or already is). */
  isBlockingFunction(fn: FunctionLikeNode): boolean {
    return this.#blockingFunctions.has(fn);
  }

  /** What a call calls, when the analysis can tell. */
  callee(call: ts.CallExpression): Value | undefined {
    return this.#callees.has(call) ? this.#callees.get(call) : this.values.ofExpression(call.expression);
  }

  styleOf(unit: SourceUnit): ScriptStyle {
    return this.#style(unit, new Set());
  }

  unitOf(node: ts.Node): SourceUnit | undefined {
    return this.#unitsByFile.get(node.getSourceFile());
  }

  importedUnit(from: SourceUnit, specifier: string): SourceUnit | undefined {
    const target = this.#resolve(from, specifier);
    return target === undefined ? undefined : this.#units.get(target);
  }

  runtimeModule(specifier: string): string | undefined {
    return runtimeModuleOf(this.table, specifier);
  }

  #resolve(from: SourceUnit, specifier: string): string | undefined {
    const key = `${from.path}\0${specifier}`;
    if (!this.#resolved.has(key)) this.#resolved.set(key, importTarget(this.#host, from.path, specifier));
    return this.#resolved.get(key);
  }

  #loadGraph(entry: string): SourceUnit[] {
    const loaded: SourceUnit[] = [];
    const pending = [entry];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (this.#units.has(next) || !isScriptModule(next)) continue;
      const text = this.#host.readFile(next);
      if (text === undefined) continue;
      const unit = parseUnit(next, text);
      this.#units.set(next, unit);
      this.#unitsByFile.set(unit.file, unit);
      loaded.push(unit);
      for (const specifier of unit.specifiers) {
        const target = isSourceSpecifier(specifier) ? this.#resolve(unit, specifier) : undefined;
        if (target !== undefined) pending.push(target);
      }
    }
    return loaded;
  }

  /**
   * A worklist over calls: each call that turns out to block may make its function blocking, which
   * makes that function's callers block in turn. A callback waits for the call it is passed to:
   * it becomes blocking only once that call does (`group('x', () => { sleep(1) })`).
   */
  #settle(units: readonly SourceUnit[]): void {
    const queue: ts.CallExpression[] = [];
    for (const unit of units) {
      for (const call of unit.calls) {
        const callee = this.values.ofExpression(call.expression);
        this.#callees.set(call, callee);
        if (callee?.kind === 'function') this.#callersOf.set(callee.node, [...(this.#callersOf.get(callee.node) ?? []), call]);
        if (this.#blocks(callee)) queue.push(call);
      }
    }
    for (let call = queue.pop(); call !== undefined; call = queue.pop()) {
      if (this.#blockingCalls.has(call)) continue;
      this.#blockingCalls.add(call);
      for (const callback of this.#waitingOn.get(call) ?? []) this.#markBlocking(callback, queue);
      const owner = ownerOf(call);
      if (owner.kind !== 'function' || this.#blockingFunctions.has(owner.node) || cannotBeAsync(owner.node) !== undefined) continue;
      const role = roleOf(owner.node);
      if (role.kind === 'bound' || role.kind === 'iife') {
        this.#markBlocking(owner.node, queue);
      } else if (role.kind === 'callback' && ts.isCallExpression(role.call)) {
        if (this.#blockingCalls.has(role.call) || this.startsTimer(role.call)) this.#markBlocking(owner.node, queue);
        else this.#waitingOn.set(role.call, [...(this.#waitingOn.get(role.call) ?? []), owner.node]);
      }
    }
  }

  #markBlocking(fn: FunctionLikeNode, queue: ts.CallExpression[]): void {
    if (this.#blockingFunctions.has(fn)) return;
    this.#blockingFunctions.add(fn);
    queue.push(...(this.#callersOf.get(fn) ?? []));
  }

  #blocks(value: Value | undefined): boolean {
    if (value?.kind === 'runtime') return isBlockingExport(this.table, value.module, value.path);
    return value?.kind === 'function' && this.#blockingFunctions.has(value.node);
  }

  #style(unit: SourceUnit, visiting: Set<SourceUnit>): ScriptStyle {
    const known = this.#styles.get(unit);
    if (known !== undefined) return known;
    const runtime = unit.specifiers.filter((specifier) => runtimeModuleOf(this.table, specifier) !== undefined);
    if (runtime.length > 0) {
      const style = runtime.some((specifier) => isK6Specifier(this.table, specifier)) ? 'k6' : 'wsk';
      this.#styles.set(unit, style);
      return style;
    }
    // A file that only calls into the user's k6-style helpers is k6-style too: those calls need awaits.
    const isOutermost = visiting.size === 0;
    visiting.add(unit);
    const reachesK6 = unit.specifiers.some((specifier) => {
      const target = isSourceSpecifier(specifier) ? this.importedUnit(unit, specifier) : undefined;
      return target !== undefined && !visiting.has(target) && this.#style(target, visiting) === 'k6';
    });
    const style = reachesK6 ? 'k6' : 'plain';
    // Inside an import cycle 'plain' may only mean "not known yet", so only the outermost answer is kept.
    if (reachesK6 || isOutermost) this.#styles.set(unit, style);
    return style;
  }
}
