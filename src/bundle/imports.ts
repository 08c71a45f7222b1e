/**
 * What a user file takes from the runtime's modules: each named import (`import { sleep } from 'k6'`)
 * and each member read off a default or namespace import (`http.file`, `k6.sleep`). The sandbox
 * checks them against the modules it really has before any of the user's code runs (runtime/vu.ts),
 * so a k6 export wsk lacks stops the test at its start with one line naming it, instead of
 * throwing in every iteration of a run that exits 0.
 */
import ts = require('typescript');
import type { ImportReference } from '../../runtime/protocol.js';
import type { BlockingAnalysis } from './analysis.js';
import type { SourceUnit } from './units.js';

/** Deep enough for `exec.vu.tags`; deeper paths are values of the script's own making. */
const MAX_DEPTH = 3;

/** `file` is how messages name the unit's file. */
export function runtimeReferences(unit: SourceUnit, analysis: BlockingAnalysis, file: string): ImportReference[] {
  const references: ImportReference[] = [];
  const add = (node: ts.Node, module: string, specifier: string, path: readonly string[]): void => {
    const { line, character } = unit.file.getLineAndCharacterOfPosition(node.getStart());
    references.push({ module, specifier, path: [...path], at: `${file}:${line + 1}:${character + 1}` });
  };
  for (const statement of unit.file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.importClause?.isTypeOnly === true) continue;
    const specifier = statement.moduleSpecifier.text;
    const module = analysis.runtimeModule(specifier);
    const bindings = statement.importClause?.namedBindings;
    if (module === undefined || bindings === undefined || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (!element.isTypeOnly && imported !== 'default') add(element, module, specifier, [imported]);
    }
  }
  const visit = (node: ts.Node): void => {
    const member = memberName(node);
    if (member !== undefined) {
      const object = analysis.values.ofExpression(member.object);
      if (object?.kind === 'runtime' && object.path.length < MAX_DEPTH && !isTypeofOperand(node) && !isWrittenTo(node)) {
        add(member.name, object.module, specifierOf(unit, object.module, analysis), [...object.path, member.name.text]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(unit.file);
  return references;
}

function memberName(node: ts.Node): { readonly object: ts.Expression; readonly name: ts.Identifier | ts.StringLiteralLike } | undefined {
  if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) return { object: node.expression, name: node.name };
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return { object: node.expression, name: node.argumentExpression };
  return undefined;
}

/** `http.x = 1` or `delete http.x` writes the member rather than using it (the frozen module object refuses it at its line). */
function isWrittenTo(node: ts.Node): boolean {
  const parent = node.parent;
  if (ts.isDeleteExpression(parent)) return true;
  return ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && parent.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

/** `typeof http.file === 'function'` asks whether the member exists: that is the script's own check. */
function isTypeofOperand(node: ts.Node): boolean {
  return ts.isTypeOfExpression(node.parent);
}

/** The specifier the file imports `module` by, as the user wrote it (a k6 alias or the wsk id). */
function specifierOf(unit: SourceUnit, module: string, analysis: BlockingAnalysis): string {
  return unit.specifiers.find((specifier) => analysis.runtimeModule(specifier) === module) ?? module;
}
