/**
 * What an expression of the user's code stands for, as far as the auto-await analysis can tell
 * without a type checker: a runtime module export (`sleep`, `http.get`), one of the user's
 * functions, an object literal, a class or an instance of one, or another user file's namespace.
 * Follows imports, re-exports, const bindings, `this`, members and `new`; gives up (undefined)
 * on anything dynamic, which the rewrite then leaves alone.
 */
import ts = require('typescript');
import { isFunctionLike, skipOuterExpressions, type Binding, type FunctionLikeNode } from './scope.js';
import { isSourceSpecifier } from './source-files.js';
import type { SourceUnit } from './units.js';

export type Value =
  /** `path` from the module's namespace: [] is the namespace, ['sleep'] a named export, ['default', 'get'] a member of the default export. */
  | { readonly kind: 'runtime'; readonly module: string; readonly path: readonly string[] }
  | { readonly kind: 'function'; readonly node: FunctionLikeNode }
  | { readonly kind: 'object'; readonly node: ts.ObjectLiteralExpression }
  | { readonly kind: 'class'; readonly node: ts.ClassLikeDeclaration }
  | { readonly kind: 'instance'; readonly node: ts.ClassLikeDeclaration }
  | { readonly kind: 'module'; readonly unit: SourceUnit };

export interface UnitGraph {
  /** The unit a node belongs to (every node the resolver meets comes from a loaded unit). */
  unitOf(node: ts.Node): SourceUnit | undefined;
  /** The loaded user file a relative specifier of `from` names, if any. */
  importedUnit(from: SourceUnit, specifier: string): SourceUnit | undefined;
  /** The wsk module id a non-relative specifier names, if any. */
  runtimeModule(specifier: string): string | undefined;
}

/** Bounds the resolution of self-referencing code (`export * from './self.js'`, `const a = a.b`). */
const MAX_DEPTH = 40;

export class ValueResolver {
  readonly #graph: UnitGraph;

  constructor(graph: UnitGraph) {
    this.#graph = graph;
  }

  ofExpression(expression: ts.Expression, depth = 0): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const node = skipOuterExpressions(expression);
    if (ts.isIdentifier(node)) {
      const unit = this.#graph.unitOf(node);
      const binding = unit?.scopes.lookup(node.text, node);
      return unit === undefined || binding === undefined ? undefined : this.#ofBinding(unit, binding, depth + 1);
    }
    if (node.kind === ts.SyntaxKind.ThisKeyword) return thisValue(node);
    if (ts.isPropertyAccessExpression(node)) return this.member(this.ofExpression(node.expression, depth + 1), node.name.text, depth + 1);
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      return this.member(this.ofExpression(node.expression, depth + 1), node.argumentExpression.text, depth + 1);
    }
    if (ts.isFunctionExpression(node) || ts.isArrowFunction(node)) return { kind: 'function', node };
    if (ts.isObjectLiteralExpression(node)) return { kind: 'object', node };
    if (ts.isClassExpression(node)) return { kind: 'class', node };
    if (ts.isNewExpression(node)) {
      const constructor = this.ofExpression(node.expression, depth + 1);
      return constructor?.kind === 'class' ? { kind: 'instance', node: constructor.node } : undefined;
    }
    return undefined;
  }

  member(value: Value | undefined, name: string, depth = 0): Value | undefined {
    if (value === undefined || depth > MAX_DEPTH) return undefined;
    switch (value.kind) {
      case 'runtime':
        return { ...value, path: [...value.path, name] };
      case 'module':
        return this.exported(value.unit, name, depth + 1);
      case 'object':
        return this.#objectMember(value.node, name, depth + 1);
      case 'class':
        return this.#classMember(value.node, name, true, depth + 1);
      case 'instance':
        return this.#classMember(value.node, name, false, depth + 1);
      case 'function':
        return undefined;
    }
  }

  /** The value `unit` exports as `name` ('default' for the default export). */
  exported(unit: SourceUnit, name: string, depth = 0): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const statement of unit.file.statements) {
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
        const exportedAs = hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : statement.name?.text;
        if (exportedAs === name) return declarationValue(statement);
      } else if (ts.isVariableStatement(statement) && hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
        for (const declaration of statement.declarationList.declarations) {
          if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer !== undefined) {
            return this.ofExpression(declaration.initializer, depth + 1);
          }
        }
      } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && name === 'default') {
        return this.ofExpression(statement.expression, depth + 1);
      } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
        const found = this.#reexported(unit, statement, name, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  #reexported(unit: SourceUnit, statement: ts.ExportDeclaration, name: string, depth: number): Value | undefined {
    const specifier = statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
    const clause = statement.exportClause;
    if (clause === undefined) {
      // `export * from` passes on every name but the default.
      return specifier === undefined || name === 'default' ? undefined : this.#fromModule(unit, specifier, name, depth);
    }
    if (ts.isNamespaceExport(clause)) {
      return clause.name.text === name && specifier !== undefined ? this.#fromModule(unit, specifier, '*', depth) : undefined;
    }
    for (const element of clause.elements) {
      if (element.isTypeOnly || element.name.text !== name) continue;
      const local = (element.propertyName ?? element.name).text;
      if (specifier !== undefined) return this.#fromModule(unit, specifier, local, depth);
      const binding = unit.scopes.lookup(local, unit.file);
      return binding === undefined ? undefined : this.#ofBinding(unit, binding, depth);
    }
    return undefined;
  }

  #ofBinding(unit: SourceUnit, binding: Binding, depth: number): Value | undefined {
    if (binding.kind === 'import') return this.#fromModule(unit, binding.specifier, binding.imported, depth);
    if (binding.kind === 'opaque' || binding.value === undefined) return undefined;
    const declared = declarationValue(binding.value);
    if (declared !== undefined) return declared;
    return ts.isExpression(binding.value) ? this.ofExpression(binding.value, depth) : undefined;
  }

  /** `imported` is an export name, 'default', or '*' for the namespace. */
  #fromModule(unit: SourceUnit, specifier: string, imported: string, depth: number): Value | undefined {
    if (isSourceSpecifier(specifier)) {
      const target = this.#graph.importedUnit(unit, specifier);
      if (target === undefined) return undefined;
      return imported === '*' ? { kind: 'module', unit: target } : this.exported(target, imported, depth + 1);
    }
    const module = this.#graph.runtimeModule(specifier);
    if (module === undefined) return undefined;
    return { kind: 'runtime', module, path: imported === '*' ? [] : [imported] };
  }

  #objectMember(object: ts.ObjectLiteralExpression, name: string, depth: number): Value | undefined {
    let found: Value | undefined;
    // The last property of a name wins, as it does at run time.
    for (const property of object.properties) {
      if (propertyName(property.name) !== name) continue;
      if (ts.isMethodDeclaration(property)) {
        found = { kind: 'function', node: property };
      } else if (ts.isPropertyAssignment(property)) {
        found = this.ofExpression(property.initializer, depth);
      } else if (ts.isShorthandPropertyAssignment(property)) {
        found = this.ofExpression(property.name, depth);
      } else {
        found = undefined;
      }
    }
    return found;
  }

  #classMember(declaration: ts.ClassLikeDeclaration, name: string, isStatic: boolean, depth: number): Value | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const member of declaration.members) {
      if (propertyName(member.name) !== name || hasModifier(member, ts.SyntaxKind.StaticKeyword) !== isStatic) continue;
      if (ts.isMethodDeclaration(member)) return { kind: 'function', node: member };
      if (ts.isPropertyDeclaration(member) && member.initializer !== undefined) return this.ofExpression(member.initializer, depth);
      return undefined;
    }
    const base = declaration.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (base === undefined) return undefined;
    const parent = this.ofExpression(base.expression, depth + 1);
    return parent?.kind === 'class' ? this.#classMember(parent.node, name, isStatic, depth + 1) : undefined;
  }
}

function declarationValue(node: ts.Node): Value | undefined {
  if (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) return { kind: 'function', node };
  if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return { kind: 'class', node };
  return undefined;
}

/** What `this` is inside a method of an object literal or class (arrows see their parent's `this`). */
function thisValue(node: ts.Node): Value | undefined {
  for (let current = node.parent; current !== undefined; current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isPropertyDeclaration(current) || ts.isClassStaticBlockDeclaration(current)) {
      return classThis(current.parent, ts.isClassStaticBlockDeclaration(current) || hasModifier(current, ts.SyntaxKind.StaticKeyword));
    }
    if (!isFunctionLike(current)) continue;
    if (ts.isMethodDeclaration(current) || ts.isAccessor(current) || ts.isConstructorDeclaration(current)) {
      if (ts.isObjectLiteralExpression(current.parent)) return { kind: 'object', node: current.parent };
      return classThis(current.parent, hasModifier(current, ts.SyntaxKind.StaticKeyword));
    }
    if (ts.isFunctionExpression(current) && ts.isPropertyAssignment(current.parent) && ts.isObjectLiteralExpression(current.parent.parent)) {
      return { kind: 'object', node: current.parent.parent };
    }
    return undefined;
  }
  return undefined;
}

function classThis(parent: ts.Node, isStatic: boolean): Value | undefined {
  if (!ts.isClassLike(parent)) return undefined;
  return isStatic ? { kind: 'class', node: parent } : { kind: 'instance', node: parent };
}

export function propertyName(name: ts.PropertyName | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}
