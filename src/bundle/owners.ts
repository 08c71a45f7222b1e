/**
 * Where a call sits, for the auto-await rewrite: which function would have to become async to
 * await it, and whether the rewrite can follow that function to its callers.
 */
import ts = require('typescript');
import { isFunctionLike, outerParent, skipOuterExpressions, type FunctionLikeNode } from './scope.js';

export type Owner =
  | { readonly kind: 'top-level' }
  | { readonly kind: 'function'; readonly node: FunctionLikeNode }
  /** A class field initializer or static block: runs at construction or class definition, cannot await. */
  | { readonly kind: 'class-field' }
  /** A parameter's default value: `await` is not allowed there. */
  | { readonly kind: 'parameter' };

export function ownerOf(node: ts.Node): Owner {
  let child = node;
  for (let current = node.parent; current !== undefined; child = current, current = current.parent) {
    if (isFunctionLike(current)) return ts.isParameter(child) ? { kind: 'parameter' } : { kind: 'function', node: current };
    if (ts.isClassStaticBlockDeclaration(current)) return { kind: 'class-field' };
    if (ts.isPropertyDeclaration(current) && child === current.initializer) return { kind: 'class-field' };
  }
  return { kind: 'top-level' };
}

export type Role =
  /** Declared, bound to a variable or class field, a method, or the default export: its callers can be found. */
  | { readonly kind: 'bound' }
  /** Called where it is defined: `(() => { ... })()`. */
  | { readonly kind: 'iife' }
  /** Passed to a call, directly or as a member of an object literal argument. */
  | { readonly kind: 'callback'; readonly call: ts.CallExpression | ts.NewExpression }
  /** Anything else (assigned to a property, returned, put in an array): its callers are unknown. */
  | { readonly kind: 'loose' };

export function roleOf(fn: FunctionLikeNode): Role {
  if (ts.isFunctionDeclaration(fn)) return { kind: 'bound' };
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) {
    return ts.isObjectLiteralExpression(fn.parent) ? objectRole(fn.parent) : { kind: 'bound' };
  }
  const parent = outerParent(fn);
  if (ts.isVariableDeclaration(parent) || ts.isPropertyDeclaration(parent) || ts.isExportAssignment(parent)) return { kind: 'bound' };
  if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) return objectRole(parent.parent);
  if (ts.isCallExpression(parent) && skipOuterExpressions(parent.expression) === fn) return { kind: 'iife' };
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && isArgument(parent, fn)) return { kind: 'callback', call: parent };
  return { kind: 'loose' };
}

/** Methods of an object literal are followed when the object is bound to a name (`const api = { ... }`). */
function objectRole(object: ts.ObjectLiteralExpression): Role {
  const parent = outerParent(object);
  if (ts.isVariableDeclaration(parent) || ts.isExportAssignment(parent)) return { kind: 'bound' };
  if (ts.isPropertyAssignment(parent) && ts.isObjectLiteralExpression(parent.parent)) return objectRole(parent.parent);
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && isArgument(parent, object)) return { kind: 'callback', call: parent };
  return { kind: 'loose' };
}

function isArgument(call: ts.CallExpression | ts.NewExpression, node: ts.Node): boolean {
  return call.arguments?.some((argument) => skipOuterExpressions(argument) === node) ?? false;
}

/** Why `fn` can never be async, if it cannot. */
export function cannotBeAsync(fn: FunctionLikeNode): 'generator' | 'constructor' | 'getter' | 'setter' | undefined {
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  if (ts.isGetAccessorDeclaration(fn)) return 'getter';
  if (ts.isSetAccessorDeclaration(fn)) return 'setter';
  if (!ts.isArrowFunction(fn) && fn.asteriskToken !== undefined) return 'generator';
  return undefined;
}

export function isAsync(fn: FunctionLikeNode): boolean {
  return ts.getModifiers(fn)?.some((modifier) => modifier.kind === ts.SyntaxKind.AsyncKeyword) ?? false;
}

/** A short name for a call's callee in messages: `sleep`, `http.get`, `forEach` for `items.forEach`. */
export function calleeText(call: ts.CallExpression | ts.NewExpression, lastNameOnly = false): string {
  const callee = skipOuterExpressions(call.expression);
  if (lastNameOnly && ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return callee.getText().replace(/\s+/g, ' ');
}
