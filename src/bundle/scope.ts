/**
 * Which declaration an identifier refers to, following JavaScript's scoping closely enough for the
 * auto-await analysis: block-scoped let/const/class/function, hoisted var, parameters, catch
 * variables and imports. A local `sleep` parameter therefore shadows an imported `sleep`.
 */
import ts = require('typescript');

export type FunctionLikeNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

export type Binding =
  /** `imported` is the export name, 'default', or '*' for a namespace import. */
  | { readonly kind: 'import'; readonly specifier: string; readonly imported: string }
  /** A function or class declaration, or the initializer of a variable (undefined when it has none). */
  | { readonly kind: 'declared'; readonly value: ts.Node | undefined }
  /** Parameters, destructured names, catch variables, enums: nothing the analysis can follow. */
  | { readonly kind: 'opaque' };

const OPAQUE: Binding = { kind: 'opaque' };

export function isFunctionLike(node: ts.Node): node is FunctionLikeNode {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x`. */
export function skipOuterExpressions(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else {
      return current;
    }
  }
}

/** The nearest ancestor that is not one of the wrappers `skipOuterExpressions` strips. */
export function outerParent(node: ts.Node): ts.Node {
  let current = node;
  while (
    ts.isParenthesizedExpression(current.parent) ||
    ts.isAsExpression(current.parent) ||
    ts.isSatisfiesExpression(current.parent) ||
    ts.isNonNullExpression(current.parent) ||
    ts.isTypeAssertionExpression(current.parent)
  ) {
    current = current.parent;
  }
  return current.parent;
}

export class Scopes {
  readonly #declarations = new Map<ts.Node, Map<string, Binding>>();

  /** The binding `name` has at `from`, or undefined for a global. */
  lookup(name: string, from: ts.Node): Binding | undefined {
    for (let node: ts.Node | undefined = from; node !== undefined; node = node.parent) {
      if (!createsScope(node)) continue;
      let declared = this.#declarations.get(node);
      if (declared === undefined) {
        declared = declarationsOf(node);
        this.#declarations.set(node, declared);
      }
      const binding = declared.get(name);
      if (binding !== undefined) return binding;
    }
    return undefined;
  }
}

function createsScope(node: ts.Node): boolean {
  return (
    ts.isSourceFile(node) ||
    isFunctionLike(node) ||
    ts.isBlock(node) ||
    ts.isForStatement(node) ||
    ts.isForInStatement(node) ||
    ts.isForOfStatement(node) ||
    ts.isCatchClause(node) ||
    ts.isCaseBlock(node) ||
    ts.isClassExpression(node)
  );
}

function declarationsOf(node: ts.Node): Map<string, Binding> {
  const names = new Map<string, Binding>();
  if (ts.isSourceFile(node)) {
    declareLexical(node.statements, names);
    declareImports(node, names);
    declareHoistedVars(node, names);
  } else if (isFunctionLike(node)) {
    if (ts.isFunctionExpression(node) && node.name !== undefined) names.set(node.name.text, { kind: 'declared', value: node });
    for (const parameter of node.parameters) declareOpaque(parameter.name, names);
    if (node.body !== undefined && ts.isBlock(node.body)) declareHoistedVars(node.body, names);
  } else if (ts.isBlock(node)) {
    declareLexical(node.statements, names);
  } else if (ts.isCaseBlock(node)) {
    for (const clause of node.clauses) declareLexical(clause.statements, names);
  } else if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
    const initializer = node.initializer;
    if (initializer !== undefined && ts.isVariableDeclarationList(initializer) && isBlockScoped(initializer)) {
      for (const declaration of initializer.declarations) declareVariable(declaration, names);
    }
  } else if (ts.isCatchClause(node)) {
    if (node.variableDeclaration !== undefined) declareOpaque(node.variableDeclaration.name, names);
  } else if (ts.isClassExpression(node) && node.name !== undefined) {
    names.set(node.name.text, { kind: 'declared', value: node });
  }
  return names;
}

function isBlockScoped(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) !== 0;
}

function declareLexical(statements: ts.NodeArray<ts.Statement>, names: Map<string, Binding>): void {
  for (const statement of statements) {
    if (ts.isVariableStatement(statement) && isBlockScoped(statement.declarationList)) {
      for (const declaration of statement.declarationList.declarations) declareVariable(declaration, names);
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name !== undefined) {
      names.set(statement.name.text, { kind: 'declared', value: statement });
    } else if ((ts.isEnumDeclaration(statement) || ts.isModuleDeclaration(statement)) && ts.isIdentifier(statement.name)) {
      names.set(statement.name.text, OPAQUE);
    }
  }
}

function declareImports(file: ts.SourceFile, names: Map<string, Binding>): void {
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const clause = statement.importClause;
    if (clause === undefined || clause.isTypeOnly) continue;
    const specifier = statement.moduleSpecifier.text;
    if (clause.name !== undefined) names.set(clause.name.text, { kind: 'import', specifier, imported: 'default' });
    const bindings = clause.namedBindings;
    if (bindings === undefined) continue;
    if (ts.isNamespaceImport(bindings)) {
      names.set(bindings.name.text, { kind: 'import', specifier, imported: '*' });
      continue;
    }
    for (const element of bindings.elements) {
      if (element.isTypeOnly) continue;
      const imported = (element.propertyName ?? element.name).text;
      names.set(element.name.text, { kind: 'import', specifier, imported });
    }
  }
}

/** `var` declarations anywhere in `root`, except inside nested functions. */
function declareHoistedVars(root: ts.Node, names: Map<string, Binding>): void {
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclarationList(node) && !isBlockScoped(node)) {
      for (const declaration of node.declarations) declareVariable(declaration, names);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
}

function declareVariable(declaration: ts.VariableDeclaration, names: Map<string, Binding>): void {
  if (ts.isIdentifier(declaration.name)) {
    names.set(declaration.name.text, { kind: 'declared', value: declaration.initializer });
  } else {
    declareOpaque(declaration.name, names);
  }
}

function declareOpaque(name: ts.BindingName, names: Map<string, Binding>): void {
  if (ts.isIdentifier(name)) {
    names.set(name.text, OPAQUE);
    return;
  }
  for (const element of name.elements) {
    if (!ts.isOmittedExpression(element)) declareOpaque(element.name, names);
  }
}
