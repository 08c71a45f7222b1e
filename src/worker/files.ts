/** `open()` in init code: files are read once per worker and shared by its VUs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export class FileCache {
  readonly #scriptDir: string;
  readonly #files = new Map<string, string | ArrayBuffer>();

  /** Relative paths are the script's directory's. */
  constructor(scriptDir: string) {
    this.#scriptDir = scriptDir;
  }

  /** The file's text, or its bytes when `binary`; throws, naming the path, when it cannot be read. */
  open(file: string, binary: boolean): string | ArrayBuffer {
    const resolved = path.resolve(this.#scriptDir, file);
    const key = `${binary ? 'b' : 't'}:${resolved}`;
    let content = this.#files.get(key);
    if (content === undefined) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(resolved);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new Error(`open(${JSON.stringify(file)}): cannot read ${resolved} (${code})`);
      }
      content = binary ? new Uint8Array(bytes).buffer : bytes.toString('utf8');
      this.#files.set(key, content);
    }
    return content;
  }
}
