/**
 * The user's script files as the auto-await analysis sees them: parsed once with the TypeScript
 * parser (which reads JavaScript too), with their relative imports resolved the way esbuild does
 * (source-files.ts).
 */
import ts = require('typescript');
import { Scopes } from './scope.js';
import { isTypeScript } from './source-files.js';

export interface SourceUnit {
  readonly path: string;
  readonly text: string;
  readonly file: ts.SourceFile;
  readonly scopes: Scopes;
  /** Every call expression in the file, in source order. */
  readonly calls: readonly ts.CallExpression[];
  /** Module specifiers of the file's value imports and re-exports, in source order. */
  readonly specifiers: readonly string[];
}

export function parseUnit(absolutePath: string, text: string): SourceUnit {
  const kind = isTypeScript(absolutePath) ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const file = ts.createSourceFile(absolutePath, text, ts.ScriptTarget.ES2022, true, kind);
  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { path: absolutePath, text, file, scopes: new Scopes(), calls, specifiers: moduleSpecifiers(file) };
}

function moduleSpecifiers(file: ts.SourceFile): string[] {
  const specifiers: string[] = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly !== true && ts.isStringLiteral(statement.moduleSpecifier)) {
      specifiers.push(statement.moduleSpecifier.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      !statement.isTypeOnly &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

