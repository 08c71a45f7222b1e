/**
 * `--typecheck`: the TypeScript compiler run over the script and its relative imports before
 * bundling, against wsk's own declarations (`wsk`, `wsk/*`, and the `k6` ids mapped onto them),
 * with the ES2022 library only: a script runs in a sandbox that has neither DOM nor Node APIs.
 * Remote modules (imports by URL) are not fetched for it: their exports are `any`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts = require('typescript');
import { scriptError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { displayPath } from './display-path.js';
import type { RuntimeTable } from './runtime-table.js';
import { PROTOCOLS } from '../protocols/index.js';

/** Diagnostics printed in full; the rest are counted. */
const SHOWN_DIAGNOSTICS = 5;

export interface TypecheckOptions {
  /** Directory holding `wsk/index.d.ts`, `wsk/metrics.d.ts`, ...; defaults to the package's `types/`. */
  readonly typesDir?: string;
  /** Directory `scriptPath` is resolved against and diagnostics are relative to; defaults to `process.cwd()`. */
  readonly cwd?: string;
  readonly table?: RuntimeTable;
}

export function defaultTypesDir(): string {
  return path.join(packageRoot(fileURLToPath(import.meta.url)), 'types');
}

/** Resolves when the script type-checks; throws SCRIPT_TYPE listing the first diagnostics otherwise. */
export async function typecheckScript(scriptPath: string, options: TypecheckOptions = {}): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const compilerOptions = typecheckOptions(options.typesDir ?? defaultTypesDir(), options.table ?? PROTOCOLS.runtimeTable);
  const program = ts.createProgram({ rootNames: [path.resolve(cwd, scriptPath), remoteModuleDeclarations()], options: compilerOptions });
  const errors = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return;
  const lines = errors.slice(0, SHOWN_DIAGNOSTICS).map((diagnostic) => formatDiagnostic(diagnostic, cwd));
  if (errors.length > SHOWN_DIAGNOSTICS) lines.push(`(and ${errors.length - SHOWN_DIAGNOSTICS} more)`);
  throw scriptError('SCRIPT_TYPE', lines.join('\n'), 'fix the type errors, or run without --typecheck');
}

/** Declares every module imported by URL as `any`: remote modules carry no types. */
function remoteModuleDeclarations(): string {
  return path.join(packageRoot(fileURLToPath(import.meta.url)), 'types', 'remote-modules.d.ts');
}

export function typecheckOptions(typesDir: string, table: RuntimeTable): ts.CompilerOptions {
  const declarations = (wskId: string): string[] => [
    table.declarations?.[wskId] ?? path.join(typesDir, wskId === 'wsk' ? 'wsk/index.d.ts' : `${wskId}.d.ts`),
  ];
  const paths: Record<string, string[]> = {};
  for (const wskId of Object.keys(table.blocking)) paths[wskId] = declarations(wskId);
  for (const [k6Id, wskId] of Object.entries(table.aliases)) paths[k6Id] = declarations(wskId);
  return {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts'],
    // No @types packages: nothing from node_modules around the script leaks into its globals.
    types: [],
    paths,
    allowJs: true,
    resolveJsonModule: true,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    forceConsistentCasingInFileNames: true,
  };
}

function formatDiagnostic(diagnostic: ts.Diagnostic, cwd: string): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ').replace(/\s+/g, ' ');
  const summary = `error TS${diagnostic.code}: ${message}`;
  if (diagnostic.file === undefined || diagnostic.start === undefined) return summary;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${displayPath(diagnostic.file.fileName, cwd)}:${line + 1}:${character + 1} - ${summary}`;
}
