/**
 * The text the auto-await rewrite inserts for one call or one function, placed so the result parses
 * as intended: parentheses where `await` would bind too loosely, `;` where a `(` would continue the
 * previous line, `async` after modifiers and before `function` or a method name.
 */
import ts = require('typescript');
import type { Insertion } from './edits.js';
import type { FunctionLikeNode } from './scope.js';

/** `await call`, parenthesised where the call is the start of a longer chain: `(await http.get(u)).json()`. */
export function awaitCall(call: ts.CallExpression): Insertion[] {
  const depth = depthOf(call);
  const start = call.getStart();
  if (!needsParentheses(call)) return [{ offset: start, text: 'await ', order: depth }];
  const opening = startsStatementAfterUnterminatedLine(call) ? ';(await ' : '(await ';
  return [
    { offset: start, text: opening, order: depth },
    { offset: call.getEnd(), text: ')', order: -depth - 1 },
  ];
}

function needsParentheses(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (ts.isNonNullExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) || ts.isCallExpression(parent)) return parent.expression === node;
  if (ts.isTaggedTemplateExpression(parent)) return parent.tag === node;
  // `await x ** 2` is a syntax error.
  return ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken && parent.left === node;
}

/** Whether an inserted `(` would continue the previous line (`x = 1\n(await f()).y` calls `1`): then it needs a `;`. */
function startsStatementAfterUnterminatedLine(call: ts.CallExpression): boolean {
  const start = call.getStart();
  let statement: ts.Node = call;
  while (!ts.isExpressionStatement(statement)) {
    if (statement.parent.getStart() !== start || ts.isSourceFile(statement.parent)) return false;
    statement = statement.parent;
  }
  const list = statement.parent;
  if (!ts.isBlock(list) && !ts.isSourceFile(list) && !ts.isCaseClause(list) && !ts.isDefaultClause(list)) return false;
  const statements: readonly ts.Statement[] = list.statements;
  const previous = statements[statements.indexOf(statement) - 1];
  return previous !== undefined && list.getSourceFile().text[previous.getEnd() - 1] !== ';';
}

export function asyncFunction(fn: FunctionLikeNode): Insertion {
  const depth = depthOf(fn);
  if (ts.isMethodDeclaration(fn)) return { offset: fn.name.getStart(), text: 'async ', order: depth };
  if (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) {
    const keyword = fn.getChildren().find((child) => child.kind === ts.SyntaxKind.FunctionKeyword);
    return { offset: (keyword ?? fn).getStart(), text: 'async ', order: depth };
  }
  return { offset: fn.getStart(), text: 'async ', order: depth };
}

function depthOf(node: ts.Node): number {
  let depth = 0;
  for (let current = node.parent; current !== undefined; current = current.parent) depth += 1;
  return depth;
}
