/**
 * `bundleScript`: the user's script, its relative imports and the remote modules it imports by URL
 * as the body of an async function, built by esbuild through the wsk plugin (runtime modules
 * required from the sandbox, k6-style calls awaited), plus the way back from positions in that code
 * to the user's original lines. The output is an ES module's, which is what lets init code await at
 * its top level; a small entry in front of the script hands its exports to the sandbox
 * (`__wskExports`, see wrapUserCode), so no import or export statement is left.
 */
import type { BuildFailure, BuildResult, Message } from 'esbuild';
import { statSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import path from 'node:path';
import { configError, quote, scriptError, type WskError } from '../errors.js';
import { keepBundle, keptBundle, type BundleParts } from './bundle-cache.js';
import { displayPath } from './display-path.js';
import { ColumnMap } from './edits.js';
import { esbuild } from './esbuild.js';
import { formatLocated, locate } from './messages.js';
import { isRuntimeMemberWarning, missingRuntimeExport, RUNTIME_NAMESPACE, wskPlugin } from './plugin.js';
import { BundlePositions } from './positions.js';
import { RemoteModules } from './remote.js';
import { isRemoteUrl, moduleOfEsbuildPath } from './remote-url.js';
import { LazyScriptRewriter } from './script-rewriter.js';
import { PROTOCOLS } from '../protocols/index.js';
import type { RuntimeTable } from './runtime-table.js';
import type { Bundle, BundleOptions, BundleWarning } from './types.js';

/** Never written: it only names the output, which makes the source map's paths relative to the script's directory. */
const OUTPUT_NAME = '__wsk_bundle__.js';
/** The entry in front of the script: it is not one of the user's files. */
const ENTRY_NAME = '__wsk_entry__.js';

export async function bundleScript(scriptPath: string, options: BundleOptions = {}): Promise<Bundle> {
  const cwd = options.cwd ?? process.cwd();
  const entry = path.resolve(cwd, scriptPath);
  assertScriptFile(scriptPath, entry);
  const table = options.table ?? PROTOCOLS.runtimeTable;
  if (options.typecheck === true) await (await import('./typecheck.js')).typecheckScript(entry, { cwd, typesDir: options.typesDir, table });
  // A kept bundle is of wsk's own modules.
  const cache = options.table === undefined ? options.cache : undefined;
  const kept = cache === undefined ? undefined : keptBundle(cache, entry, cwd);
  if (kept !== undefined) return bundleOf(entry, kept);
  const startedMs = Date.now();
  const remote = new RemoteModules(entry, cwd, options.remote);
  await remote.prefetch(entry);
  const rewriter = new LazyScriptRewriter(remote.host, table);
  let result: Output;
  try {
    result = await runEsbuild(entry, cwd, rewriter, table, remote);
  } finally {
    await remote.save();
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((input) => !input.startsWith(`${RUNTIME_NAMESPACE}:`) && path.basename(input) !== ENTRY_NAME)
    .map((input) => moduleOfEsbuildPath(input, cwd))
    .filter((input) => !isRemoteUrl(input));
  const parts: BundleParts = {
    code: outputText(result, OUTPUT_NAME).replace(/\/\/# sourceMappingURL=\S*\s*$/, ''),
    sourceMap: outputText(result, `${OUTPUT_NAME}.map`),
    columns: [...rewriter.columnMaps()].map(([file, columns]) => [file, columns.toLines()]),
    files: [entry, ...inputs.filter((file) => file !== entry)],
    warnings: result.warnings.filter((warning) => !isRuntimeMemberWarning(warning.text)).map((warning) => toBundleWarning(warning, cwd, rewriter)),
    imports: rewriter.runtimeReferences((file) => displayPath(file, cwd)),
  };
  if (cache !== undefined) keepBundle(cache, entry, cwd, parts, result.metafile.inputs, { runtimeNamespace: RUNTIME_NAMESPACE, stdin: ENTRY_NAME }, startedMs);
  return bundleOf(entry, parts);
}

/** The bundle of `parts`, just made or kept from an earlier run. */
function bundleOf(entry: string, parts: BundleParts): Bundle {
  const scriptDir = path.dirname(entry);
  const columns = new Map(parts.columns.map(([file, lines]) => [file, ColumnMap.fromLines(lines)]));
  const positions = new BundlePositions(JSON.parse(parts.sourceMap) as SourceMapPayload, scriptDir, scriptDir, columns);
  return {
    entry,
    code: parts.code,
    files: parts.files,
    warnings: parts.warnings,
    imports: parts.imports,
    mapPosition: (line, column) => positions.map(line, column),
    mapStack: (stack, bundleFileName, lineOffset) => positions.mapStack(stack, bundleFileName, lineOffset),
  };
}

// Sync: node:fs/promises is loaded on first use (build/bundle-dist.mjs), and no other start-up needs it.
function assertScriptFile(scriptPath: string, entry: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(entry).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw configError('SCRIPT_NOT_FOUND', `script ${quote(scriptPath)} not found (resolved to ${entry})`);
    throw configError('IO', `cannot read script ${quote(scriptPath)} (resolved to ${entry}): ${(error as Error).message}`);
  }
  if (!isFile) throw configError('SCRIPT_NOT_FOUND', `script ${quote(scriptPath)} is not a file (resolved to ${entry})`);
}

type Output = BuildResult<{ write: false; metafile: true }>;

async function runEsbuild(entry: string, cwd: string, rewriter: LazyScriptRewriter, table: RuntimeTable, remote: RemoteModules): Promise<Output> {
  try {
    return await esbuild().build({
      stdin: {
        contents: `import * as script from ${JSON.stringify(entry)};\n__wskExports(script);\n`,
        resolveDir: path.dirname(entry),
        sourcefile: ENTRY_NAME,
        loader: 'js',
      },
      absWorkingDir: cwd,
      outfile: path.join(path.dirname(entry), OUTPUT_NAME),
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      // npm packages: ESM builds first (they tree-shake), else CommonJS.
      mainFields: ['module', 'main'],
      target: 'es2022',
      resolveExtensions: ['.ts', '.js', '.mjs', '.json'],
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
      plugins: [wskPlugin(rewriter, table, remote)],
    });
  } catch (error) {
    if (isBuildFailure(error) && error.errors.length > 0) throw bundleError(error.errors, cwd, rewriter);
    throw error;
  }
}

function isBuildFailure(error: unknown): error is BuildFailure {
  return error instanceof Error && Array.isArray((error as Partial<BuildFailure>).errors);
}

/** Every error esbuild found, each located in the user's own lines, so one run shows all there is to fix. */
function bundleError(errors: readonly Message[], cwd: string, rewriter: LazyScriptRewriter): WskError {
  const messages = errors.map((error) => {
    const located = locate(error, cwd, rewriter);
    const missing = missingRuntimeExport(error.text);
    if (located === undefined) return missing ?? error.text;
    const file = displayPath(located.file, cwd);
    // A missing runtime export reads as the sandbox reports one: a line each, at the imported name.
    return missing === undefined ? formatLocated(located, file) : `${file}:${located.line}:${located.column + 1}: ${missing}`;
  });
  return scriptError('SCRIPT_SYNTAX', messages.length === 0 ? 'bundling failed' : messages.join('\n'));
}

function toBundleWarning(warning: Message, cwd: string, rewriter: LazyScriptRewriter): BundleWarning {
  const located = locate(warning, cwd, rewriter);
  if (located === undefined) return { file: '', line: 0, column: 0, message: warning.text, lineText: '' };
  return { file: displayPath(located.file, cwd), line: located.line, column: located.column + 1, message: located.text, lineText: located.lineText };
}

function outputText(result: Output, name: string): string {
  const output = result.outputFiles.find((file) => path.basename(file.path) === name);
  if (output === undefined) throw new Error(`esbuild produced no ${name}`);
  return output.text;
}
