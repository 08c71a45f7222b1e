/**
 * The k6 auto-await rewrite. In wsk, `sleep`, `group` (and later `http.get`, `ws.connect`) return
 * promises, because thousands of VUs share a thread; k6 scripts call them without `await`. For a
 * k6-style file (one that imports from a k6 id, or from the user's k6-style files) every blocking
 * call gets `await ` and every function holding one becomes `async` (see analysis.ts for which);
 * at the top level the call is awaited as it is, since init code may await.
 * Only text is inserted, never a line break, so line numbers hold and columns map back (edits.ts).
 * A wsk-style file is not rewritten; blocking calls it does not await are reported instead.
 */
import ts = require('typescript');
import { BlockingAnalysis } from './analysis.js';
import type { ImportReference } from '../../runtime/protocol.js';
import { runtimeReferences } from './imports.js';
import { applyInsertions, ColumnMap, type Insertion } from './edits.js';
import { asyncFunction, awaitCall } from './insertions.js';
import { calleeText, cannotBeAsync, isAsync, ownerOf, roleOf } from './owners.js';
import type { RuntimeTable } from './runtime-table.js';
import { PROTOCOLS } from '../protocols/index.js';
import { outerParent, type FunctionLikeNode } from './scope.js';
import { diskHost, type SourceHost } from './source-files.js';
import type { SourceUnit } from './units.js';
import { missingAwaitWarnings } from './wsk-style.js';

/** A message about a place in the user's original text. */
export interface SourceMessage {
  /** 1-based. */
  readonly line: number;
  /** 0-based, in UTF-16 code units. */
  readonly column: number;
  readonly lineText: string;
  readonly message: string;
}

export interface FileRewrite {
  readonly path: string;
  readonly original: string;
  /** The text to bundle: `original` with the inserted awaits, or `original` itself. */
  readonly code: string;
  readonly columns: ColumnMap;
  readonly warnings: readonly SourceMessage[];
  /** Problems that stop the bundle (import.meta). */
  readonly errors: readonly SourceMessage[];
}

export class ScriptRewriter {
  readonly #analysis: BlockingAnalysis;
  readonly #results = new Map<string, FileRewrite>();

  constructor(host: SourceHost = diskHost, table: RuntimeTable = PROTOCOLS.runtimeTable) {
    this.#analysis = new BlockingAnalysis(host, table);
  }

  /** The rewrite of a user file (analysing it and what it imports on first use); undefined when unreadable. */
  rewrite(absolutePath: string): FileRewrite | undefined {
    const known = this.#results.get(absolutePath);
    if (known !== undefined) return known;
    const unit = this.#analysis.analyse(absolutePath);
    if (unit === undefined) return undefined;
    const result = rewriteUnit(unit, this.#analysis);
    this.#results.set(absolutePath, result);
    return result;
  }

  /** The column maps of the rewrites produced so far, by file: all a bundle keeps to map positions back. */
  columnMaps(): Map<string, ColumnMap> {
    return new Map([...this.#results].map(([file, result]) => [file, result.columns]));
  }

  /** What one file takes from the runtime's modules. */
  fileReferences(file: string, display: (file: string) => string): ImportReference[] {
    const unit = this.#analysis.analyse(file);
    return unit === undefined ? [] : runtimeReferences(unit, this.#analysis, display(file));
  }

  /** A rewrite already produced, to map positions in its output back. */
  rewritten(absolutePath: string): FileRewrite | undefined {
    return this.#results.get(absolutePath);
  }
}

function rewriteUnit(unit: SourceUnit, analysis: BlockingAnalysis): FileRewrite {
  const messages = new Messages(unit.file);
  reportInitOnlyConstructs(unit.file, messages);
  const style = analysis.styleOf(unit);
  if (style === 'wsk') {
    for (const { node, message } of missingAwaitWarnings(unit, analysis)) messages.warn(node, message);
  }
  const insertions = style === 'k6' ? awaitInsertions(unit, analysis, messages) : [];
  const lineAndColumnOf = (offset: number): ts.LineAndCharacter => unit.file.getLineAndCharacterOfPosition(offset);
  return {
    path: unit.path,
    original: unit.text,
    code: insertions.length === 0 ? unit.text : applyInsertions(unit.text, insertions),
    columns: insertions.length === 0 ? ColumnMap.identity : ColumnMap.of(insertions, lineAndColumnOf),
    warnings: messages.warnings,
    errors: messages.errors,
  };
}

/** The bundle is the body of a function, so `import.meta` cannot survive bundling (top-level await does). */
function reportInitOnlyConstructs(file: ts.SourceFile, messages: Messages): void {
  const visit = (node: ts.Node): void => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      messages.error(node, 'import.meta is not supported: wsk bundles the script and its imports into one function');
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

const ITERATION_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'sort']);

function awaitInsertions(unit: SourceUnit, analysis: BlockingAnalysis, messages: Messages): Insertion[] {
  const insertions: Insertion[] = [];
  const madeAsync = new Set<FunctionLikeNode>();
  for (const call of unit.calls) {
    if (!analysis.isBlockingCall(call)) continue;
    const name = `${calleeText(call)}()`;
    const owner = ownerOf(call);
    if (owner.kind === 'top-level') {
      // Init code may await at its top level (the bundle runs as an async function), as in k6.
      if (!ts.isAwaitExpression(outerParent(call))) insertions.push(...awaitCall(call));
      continue;
    }
    if (owner.kind === 'class-field') {
      messages.warn(call, `${name} in a class field initializer cannot be awaited, so the VU will not pause; call it from a method`);
      continue;
    }
    if (owner.kind === 'parameter') {
      messages.warn(call, `${name} in a parameter's default value cannot be awaited, so the VU will not pause; call it in the function body`);
      continue;
    }
    const fn = owner.node;
    if (analysis.isBlockingFunction(fn)) {
      if (!isAsync(fn)) madeAsync.add(fn);
    } else {
      warnUnawaitable(call, name, fn, messages);
      // A function the user made async (a forEach callback, say) can still await, though nothing waits for it.
      if (!isAsync(fn)) continue;
    }
    if (!ts.isAwaitExpression(outerParent(call))) insertions.push(...awaitCall(call));
  }
  for (const fn of madeAsync) insertions.push(asyncFunction(fn));
  warnBlockingFunctionsPassedAway(unit, analysis, messages);
  return insertions;
}

/** `items.forEach(login)` where the rewrite made `login` async: forEach drops the promise. */
function warnBlockingFunctionsPassedAway(unit: SourceUnit, analysis: BlockingAnalysis, messages: Messages): void {
  for (const call of unit.calls) {
    const receiver = calleeText(call, true);
    // A promise's then/catch/finally and the timers do wait for an async callback.
    if (analysis.isBlockingCall(call) || PROMISE_METHODS.has(receiver) || analysis.startsTimer(call)) continue;
    for (const argument of call.arguments) {
      const value = ts.isIdentifier(argument) || ts.isPropertyAccessExpression(argument) ? analysis.values.ofExpression(argument) : undefined;
      if (value?.kind !== 'function' || !analysis.isBlockingFunction(value.node)) continue;
      const advice = ITERATION_METHODS.has(receiver) ? 'use a for…of loop' : 'call it where it can be awaited';
      messages.warn(argument, `${argument.getText()} is async after the k6 auto-await rewrite, so ${receiver} will not wait for it; ${advice}`);
    }
  }
}

function warnUnawaitable(call: ts.CallExpression, name: string, fn: FunctionLikeNode, messages: Messages): void {
  const role = roleOf(fn);
  if (role.kind === 'callback') {
    const receiver = calleeText(role.call, true);
    const advice = ITERATION_METHODS.has(receiver) ? 'use a for…of loop' : 'make the call outside the callback';
    messages.warn(call, `${name} inside a callback of ${receiver} cannot pause the VU; ${advice}`);
    return;
  }
  // Made async by the user: who awaits it is the user's decision.
  if (isAsync(fn)) return;
  const impossible = cannotBeAsync(fn);
  if (impossible !== undefined) {
    messages.warn(call, `${name} inside a ${impossible} cannot be awaited, so the VU will not pause; call it from a regular function`);
    return;
  }
  messages.warn(
    call,
    `${name} is in a function whose callers wsk cannot follow, so it cannot be awaited and the VU will not pause; declare the function or bind it to a name`,
  );
}

class Messages {
  readonly warnings: SourceMessage[] = [];
  readonly errors: SourceMessage[] = [];
  readonly #file: ts.SourceFile;

  constructor(file: ts.SourceFile) {
    this.#file = file;
  }

  warn(node: ts.Node, message: string): void {
    this.warnings.push(this.#at(node, message));
  }

  error(node: ts.Node, message: string): void {
    this.errors.push(this.#at(node, message));
  }

  #at(node: ts.Node, message: string): SourceMessage {
    const { line, character } = this.#file.getLineAndCharacterOfPosition(node.getStart());
    const lineStart = this.#file.getPositionOfLineAndCharacter(line, 0);
    const lineEnd = this.#file.text.indexOf('\n', lineStart);
    const lineText = this.#file.text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
    return { line: line + 1, column: character, lineText, message };
  }
}
