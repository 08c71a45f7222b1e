/**
 * The auto-await rewrite as the bundle uses it: a file the quick scan answers for (quick-scan.ts)
 * is bundled as it is, with the runtime members it calls; any other file goes through the full
 * analysis (rewrite.ts), whose module, and the TypeScript compiler with it, is loaded only then.
 * Loading the compiler is most of what bundling a small script costs.
 */
import type { ImportReference } from '../../runtime/protocol.js';
import { ColumnMap } from './edits.js';
import { quickScan, type ScannedReference } from './quick-scan.js';
import type { FileRewrite, ScriptRewriter } from './rewrite.js';
import type { RuntimeTable } from './runtime-table.js';
import { isScriptModule, type SourceHost } from './source-files.js';

interface ScannedFile {
  readonly rewrite: FileRewrite;
  readonly references: readonly ScannedReference[];
}

export class LazyScriptRewriter {
  readonly #host: SourceHost;
  readonly #table: RuntimeTable;
  readonly #scanned = new Map<string, ScannedFile>();
  /** Every file rewritten so far, scanned or analysed, in order. */
  readonly #files: string[] = [];
  #full: ScriptRewriter | undefined;

  constructor(host: SourceHost, table: RuntimeTable) {
    this.#host = host;
    this.#table = table;
  }

  /** The rewrite of a user file or remote module; undefined when unreadable. */
  async rewrite(module: string): Promise<FileRewrite | undefined> {
    const known = this.rewritten(module);
    if (known !== undefined) return known;
    const text = isScriptModule(module) ? this.#host.readFile(module) : undefined;
    const scan = text === undefined ? undefined : quickScan(text, this.#table);
    if (text !== undefined && scan !== undefined) {
      const rewrite: FileRewrite = { path: module, original: text, code: text, columns: ColumnMap.identity, warnings: [], errors: [] };
      this.#scanned.set(module, { rewrite, references: scan.references });
      this.#files.push(module);
      return rewrite;
    }
    const rewrite = (await this.#fullRewriter()).rewrite(module);
    if (rewrite !== undefined) this.#files.push(module);
    return rewrite;
  }

  /** A rewrite already produced, to map positions in its output back. */
  rewritten(module: string): FileRewrite | undefined {
    return this.#scanned.get(module)?.rewrite ?? this.#full?.rewritten(module);
  }

  /** The column maps of the rewrites produced so far, by file: all a bundle keeps to map positions back. */
  columnMaps(): Map<string, ColumnMap> {
    return new Map(this.#files.map((file) => [file, this.rewritten(file)!.columns]));
  }

  /** What the files rewritten so far take from the runtime's modules, deduplicated; `display` names a file in messages. */
  runtimeReferences(display: (file: string) => string): ImportReference[] {
    const seen = new Map<string, ImportReference>();
    for (const reference of this.#files.flatMap((file) => this.#references(file, display))) {
      const key = `${reference.module}\0${reference.path.join('\0')}`;
      if (!seen.has(key)) seen.set(key, reference);
    }
    return [...seen.values()];
  }

  #references(file: string, display: (file: string) => string): ImportReference[] {
    const scanned = this.#scanned.get(file);
    if (scanned === undefined) return this.#full?.fileReferences(file, display) ?? [];
    return scanned.references.map(({ offset, ...reference }) => ({ ...reference, at: `${display(file)}:${lineAndColumn(scanned.rewrite.original, offset)}` }));
  }

  async #fullRewriter(): Promise<ScriptRewriter> {
    if (this.#full === undefined) {
      const { ScriptRewriter } = await import('./rewrite.js');
      this.#full ??= new ScriptRewriter(this.#host, this.#table);
    }
    return this.#full;
  }
}

/** "line:column", both 1-based, as the analysis writes positions (TypeScript's line breaks, columns in UTF-16 code units). */
function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  const breaks = /\r\n|[\n\r\u2028\u2029]/g;
  for (let match = breaks.exec(text); match !== null && match.index < offset; match = breaks.exec(text)) {
    line++;
    lineStart = match.index + match[0].length;
  }
  return `${line}:${offset - lineStart + 1}`;
}
