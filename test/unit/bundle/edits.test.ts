import { describe, expect, it } from 'vitest';
import { applyInsertions, ColumnMap, type Insertion } from '../../../src/bundle/edits.js';

// "ab\ncd(e).f\n": offsets 0-1 "ab", 2 "\n", 3-4 "cd", 5 "(", 6 "e", 7 ")", 8 ".", 9 "f".
const text = 'ab\ncd(e).f\n';
const lineAndColumn = (offset: number): { line: number; character: number } =>
  offset < 3 ? { line: 0, character: offset } : { line: 1, character: offset - 3 };

describe('applyInsertions', () => {
  it('inserts at offsets, closers before openers and outer openers first at one offset', () => {
    const insertions: Insertion[] = [
      { offset: 8, text: ')', order: -6 },
      { offset: 3, text: '(await ', order: 5 },
      { offset: 3, text: 'await ', order: 2 },
      { offset: 8, text: '/*x*/', order: 1 },
    ];
    expect(applyInsertions(text, insertions)).toBe('ab\nawait (await cd(e))/*x*/.f\n');
  });

  it('returns the text unchanged without insertions', () => {
    expect(applyInsertions(text, [])).toBe(text);
  });
});

describe('ColumnMap', () => {
  // Line 1 becomes "await (await cd(e)).f": insertions of 6 and 7 characters at column 0, 1 at column 5.
  const map = ColumnMap.of(
    [
      { offset: 3, text: 'await ', order: 2 },
      { offset: 3, text: '(await ', order: 5 },
      { offset: 8, text: ')', order: -6 },
    ],
    lineAndColumn,
  );

  it.each([
    // [rewritten column, original column]
    [0, 0], // inside "await " → where it was inserted
    [5, 0],
    [6, 0], // inside "(await "
    [12, 0],
    [13, 0], // "c"
    [14, 1], // "d"
    [15, 2], // "("
    [17, 4], // ")" of the call
    [18, 5], // the inserted ")" → its insertion point
    [19, 5], // "."
    [20, 6], // "f"
  ])('maps rewritten column %i of the edited line to %i', (rewritten, original) => {
    expect(map.toOriginal(1, rewritten)).toBe(original);
  });

  it('leaves lines without insertions alone', () => {
    expect(map.toOriginal(0, 1)).toBe(1);
    expect(ColumnMap.identity.toOriginal(7, 12)).toBe(12);
  });
});
