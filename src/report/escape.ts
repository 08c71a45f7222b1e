/**
 * Escaping for the report: metric names, tag values, check names and the script path are user text,
 * so nothing reaches the HTML unescaped.
 */
const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/**
 * JSON to embed in a `<script type="application/json">`: `<` is escaped wherever it occurs, so
 * no `</script` can close the element and no `<!--` can change how the parser reads it.
 * JSON.stringify only emits these characters inside strings, where `\u003c` means the same.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
