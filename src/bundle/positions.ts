/**
 * Positions in the bundle mapped back to the user's files: esbuild's source map leads to the text
 * esbuild read (the rewritten one), and the rewrite's column map leads on to the original.
 */
import { SourceMap, type SourceMapPayload } from 'node:module';
import { displayPath } from './display-path.js';
import type { ColumnMap } from './edits.js';
import { moduleOfEsbuildPath } from './remote-url.js';
import type { SourcePosition } from './types.js';

export class BundlePositions {
  readonly #map: SourceMap;
  readonly #sourcesDir: string;
  readonly #scriptDir: string;
  readonly #columns: ReadonlyMap<string, ColumnMap>;

  /** `sourcesDir` is the directory the map's `sources` are relative to; `columns` are the rewrites' column maps by file. */
  constructor(payload: SourceMapPayload, sourcesDir: string, scriptDir: string, columns: ReadonlyMap<string, ColumnMap>) {
    this.#map = new SourceMap(payload);
    this.#sourcesDir = sourcesDir;
    this.#scriptDir = scriptDir;
    this.#columns = columns;
  }

  map(line: number, column: number): SourcePosition | undefined {
    if (!Number.isInteger(line) || !Number.isInteger(column) || line < 1 || column < 1) return undefined;
    const entry = this.#map.findEntry(line - 1, column - 1);
    // findEntry falls back to the last mapping of an earlier line; esbuild's own glue code has none of its own.
    if (!('originalSource' in entry) || entry.generatedLine !== line - 1) return undefined;
    const file = moduleOfEsbuildPath(entry.originalSource, this.#sourcesDir);
    const columns = this.#columns.get(file);
    const originalColumn = columns === undefined ? entry.originalColumn : columns.toOriginal(entry.originalLine, entry.originalColumn);
    return { file: displayPath(file, this.#scriptDir), line: entry.originalLine + 1, column: originalColumn + 1 };
  }

  mapStack(stack: string, bundleFileName: string, lineOffset: number): string {
    const frame = new RegExp(`(?<![\\w./\\\\-])${escapeRegExp(bundleFileName)}:(\\d+):(\\d+)`, 'g');
    return stack.replace(frame, (whole: string, line: string, column: string) => {
      const position = this.map(Number(line) - lineOffset, Number(column));
      return position === undefined ? whole : `${position.file}:${position.line}:${position.column}`;
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
