/**
 * `atob` for the packages the runtime bundles (entities, under wsk/html, decodes its tables with
 * it): esbuild injects this where they name the global, which the sandbox does not have. Scripts
 * do not see it.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 to a binary string (one character per byte), padding and whitespace ignored. */
export function atob(base64: string): string {
  let out = '';
  let bits = 0;
  let count = 0;
  for (let i = 0; i < base64.length; i++) {
    const digit = ALPHABET.indexOf(base64.charAt(i));
    if (digit < 0) continue;
    bits = ((bits << 6) | digit) & 0xffffff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += String.fromCharCode((bits >> count) & 0xff);
    }
  }
  return out;
}
