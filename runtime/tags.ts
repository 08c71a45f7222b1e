/**
 * A script's tags (and headers) as they cross to the host: text. Numbers and booleans become their
 * text; anything else (a function, a symbol, an object) is a TypeError at the script's own line,
 * rather than a value the host cannot copy.
 */
export function textRecord(value: unknown, what: string): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') throw new TypeError(`${what} must be an object of strings, got ${typeof value}`);
  const text: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string') text[name] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') text[name] = String(item);
    else throw new TypeError(`${what}: ${JSON.stringify(name)} must be a string, got ${item === null ? 'null' : typeof item}`);
  }
  return text;
}
