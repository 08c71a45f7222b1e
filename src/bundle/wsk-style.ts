/**
 * wsk-style scripts (importing from `wsk` ids) are not rewritten: their authors await explicitly.
 * A blocking call whose promise is dropped is almost always a forgotten `await`, so it is reported.
 * The rule is deliberately simple: a promise counts as handled when it is awaited, returned,
 * chained with then/catch/finally, put in a `Promise.all`-style array, explicitly discarded with
 * `void`, or stored in a variable that is awaited or returned somewhere in the file.
 */
import ts = require('typescript');
import type { BlockingAnalysis } from './analysis.js';
import { calleeText } from './owners.js';
import { outerParent, skipOuterExpressions } from './scope.js';
import type { SourceUnit } from './units.js';

export interface NodeMessage {
  readonly node: ts.Node;
  readonly message: string;
}

export function missingAwaitWarnings(unit: SourceUnit, analysis: BlockingAnalysis): NodeMessage[] {
  const handledNames = namesAwaitedOrReturned(unit.file);
  const warnings: NodeMessage[] = [];
  for (const call of unit.calls) {
    if (!analysis.isBlockingCall(call) || analysis.callee(call)?.kind !== 'runtime') continue;
    if (isHandled(call, handledNames)) continue;
    const name = calleeText(call);
    warnings.push({ node: call, message: `${name}() returns a promise; write "await ${name}(...)" or the VU will not pause` });
  }
  return warnings;
}

function isHandled(call: ts.CallExpression, handledNames: ReadonlySet<string>): boolean {
  const parent = outerParent(call);
  if (ts.isAwaitExpression(parent) || ts.isReturnStatement(parent) || ts.isVoidExpression(parent)) return true;
  // The concise body of an arrow function is its return value.
  if (ts.isArrowFunction(parent)) return parent.body === call || skipOuterExpressions(parent.body as ts.Expression) === call;
  if (ts.isPropertyAccessExpression(parent)) return ['then', 'catch', 'finally'].includes(parent.name.text);
  if (ts.isArrayLiteralExpression(parent)) return isPromiseCombinator(outerParent(parent));
  if (ts.isVariableDeclaration(parent)) return ts.isIdentifier(parent.name) && handledNames.has(parent.name.text);
  return false;
}

function isPromiseCombinator(node: ts.Node): boolean {
  return ts.isCallExpression(node) && /^Promise\.(all|allSettled|any|race)$/.test(calleeText(node));
}

/** Names of variables the file awaits or returns, alone or in a `Promise.all`-style array. */
function namesAwaitedOrReturned(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const collect = (expression: ts.Expression | undefined): void => {
    if (expression === undefined) return;
    const operand = skipOuterExpressions(expression);
    if (ts.isIdentifier(operand)) names.add(operand.text);
    if (!isPromiseCombinator(operand) || !ts.isCallExpression(operand)) return;
    for (const argument of operand.arguments) {
      if (!ts.isArrayLiteralExpression(argument)) continue;
      for (const element of argument.elements) collect(element);
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isAwaitExpression(node) || ts.isReturnStatement(node)) collect(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return names;
}
