/**
 * esbuild's messages (its own and the ones the wsk plugin adds) turned into positions in the user's
 * original text, and printed as `file:line:col: text`, the source line, and a caret under the column.
 */
import type { Message, PartialMessage } from 'esbuild';
import { moduleOfEsbuildPath } from './remote-url.js';
import type { SourceMessage } from './rewrite.js';
import type { LazyScriptRewriter } from './script-rewriter.js';

/** Marks a plugin message whose location is already in the original text (not the rewritten one). */
const ORIGINAL_POSITION = 'wsk:original-position';

export interface LocatedMessage {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 0-based, in UTF-16 code units. */
  readonly column: number;
  readonly lineText: string;
  readonly text: string;
}

/** A rewrite message as the plugin hands it to esbuild (esbuild columns count UTF-8 bytes). */
export function toEsbuildMessage(file: string, message: SourceMessage): PartialMessage {
  const column = Buffer.byteLength(message.lineText.slice(0, message.column), 'utf8');
  return { text: message.message, detail: ORIGINAL_POSITION, location: { file, line: message.line, column, lineText: message.lineText } };
}

/** Where `message` points in the user's original text; undefined when esbuild gave no location. */
export function locate(message: Message, workingDir: string, rewriter: LazyScriptRewriter): LocatedMessage | undefined {
  const location = message.location;
  if (location === null) return undefined;
  const file = moduleOfEsbuildPath(location.file, workingDir);
  const column = Buffer.from(location.lineText, 'utf8').subarray(0, location.column).toString('utf8').length;
  const rewrite = message.detail === ORIGINAL_POSITION ? undefined : rewriter.rewritten(file);
  if (rewrite === undefined || rewrite.code === rewrite.original) {
    return { file, line: location.line, column, lineText: location.lineText, text: message.text };
  }
  return {
    file,
    line: location.line,
    column: rewrite.columns.toOriginal(location.line - 1, column),
    lineText: lineAt(rewrite.original, location.line - 1),
    text: message.text,
  };
}

/** `file:line:col: text`, then the source line and a caret under the column; `file` as the user should read it. */
export function formatLocated(message: LocatedMessage, displayFile: string, suffix = ''): string {
  const head = `${displayFile}:${message.line}:${message.column + 1}: ${message.text}${suffix}`;
  // Keep the source line's tabs in the caret line so the caret lines up however tabs render.
  const padding = message.lineText.slice(0, message.column).replace(/[^\t]/g, ' ');
  return `${head}\n${message.lineText}\n${padding}^`;
}

function lineAt(text: string, line: number): string {
  return text.split(/\r?\n/)[line] ?? '';
}
