/**
 * The rewrite only inserts text (`await `, `async `, parentheses), never a line break, so every
 * line keeps its number and only columns move. An insertion list is enough to map a column of the
 * rewritten text back to the user's original.
 */

export interface Insertion {
  /** Offset in the original text. */
  readonly offset: number;
  readonly text: string;
  /**
   * Orders insertions at the same offset: lower first. Closing text of nodes that end there comes
   * before opening text of nodes that start there; openers go outermost first, closers innermost first.
   */
  readonly order: number;
}

export function applyInsertions(text: string, insertions: readonly Insertion[]): string {
  const sorted = sortInsertions(insertions);
  let result = '';
  let copied = 0;
  for (const insertion of sorted) {
    result += text.slice(copied, insertion.offset) + insertion.text;
    copied = insertion.offset;
  }
  return result + text.slice(copied);
}

function sortInsertions(insertions: readonly Insertion[]): Insertion[] {
  return [...insertions].sort((a, b) => a.offset - b.offset || a.order - b.order);
}

interface LineInsertion {
  /** 0-based column of the original line where the text goes. */
  readonly column: number;
  readonly length: number;
}

export class ColumnMap {
  static readonly identity = new ColumnMap(new Map());

  /** 0-based line → its insertions, in column order. */
  readonly #lines: ReadonlyMap<number, readonly LineInsertion[]>;

  private constructor(lines: ReadonlyMap<number, readonly LineInsertion[]>) {
    this.#lines = lines;
  }

  /** A map as toLines() wrote it. */
  static fromLines(lines: readonly (readonly [line: number, insertions: readonly (readonly [column: number, length: number])[]])[]): ColumnMap {
    return new ColumnMap(new Map(lines.map(([line, insertions]) => [line, insertions.map(([column, length]) => ({ column, length }))])));
  }

  /** The map as JSON can hold it: each line's insertions, [column, length]. */
  toLines(): [line: number, insertions: [column: number, length: number][]][] {
    return [...this.#lines].map(([line, insertions]) => [line, insertions.map(({ column, length }) => [column, length])]);
  }

  /** `lineAndColumnOf` turns an original offset into its 0-based line and column. */
  static of(insertions: readonly Insertion[], lineAndColumnOf: (offset: number) => { line: number; character: number }): ColumnMap {
    const lines = new Map<number, LineInsertion[]>();
    for (const insertion of sortInsertions(insertions)) {
      const { line, character } = lineAndColumnOf(insertion.offset);
      const list = lines.get(line) ?? [];
      list.push({ column: character, length: insertion.text.length });
      lines.set(line, list);
    }
    return new ColumnMap(lines);
  }

  /** The original 0-based column of 0-based (`line`, `column`) in the rewritten text; inside inserted text, where it was inserted. */
  toOriginal(line: number, column: number): number {
    let shift = 0;
    for (const insertion of this.#lines.get(line) ?? []) {
      const start = insertion.column + shift;
      if (column < start) break;
      if (column < start + insertion.length) return insertion.column;
      shift += insertion.length;
    }
    return column - shift;
  }
}
