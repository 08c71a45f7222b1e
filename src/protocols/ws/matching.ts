/**
 * request()'s declarative reply rules, `{ json: 'meta.id', equals: 42 }`: a message satisfies one when
 * it is text, parses as JSON, and the value at the dotted path is (===) the given string, number,
 * boolean or null. Plain data, so a rule crosses to the host, which then correlates replies itself
 * and messages never cross into the sandbox one by one. Node-free: the sandbox validates rules with
 * it (the script gets the TypeError where it called request()) and applies them when a function
 * predicate rides along.
 */

/** A rule as it crosses: the path already split. */
export interface JsonRule {
  readonly path: readonly string[];
  readonly equals: string | number | boolean | null;
}

type Data = string | ArrayBuffer;

/**
 * `value`, the script's `match` or `until`: undefined (the default), a function (kept as it is), or
 * a declarative rule (checked, its path split). `option` names it in the error, e.g. "request(): match".
 */
export function replyRule(value: unknown, option: string): JsonRule | ((data: Data) => boolean) | undefined {
  if (value === undefined || typeof value === 'function') return value as ((data: Data) => boolean) | undefined;
  const allowed = `must be a function or { json: 'field.path', equals: a string, number, boolean or null }`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${option} ${allowed}, got ${describe(value)}`);
  const { json, equals, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new TypeError(`${option} has an unknown key "${extra[0]}": it ${allowed}`);
  if (typeof json !== 'string' || json === '' || json.split('.').includes('')) {
    throw new TypeError(`${option}.json must be a field path such as 'id' or 'meta.id', got ${describe(json)}`);
  }
  const scalar = typeof equals === 'string' || typeof equals === 'boolean' || equals === null || (typeof equals === 'number' && Number.isFinite(equals));
  if (!scalar) throw new TypeError(`${option}.equals must be a string, a finite number, a boolean or null, got ${describe(equals)}`);
  return { path: json.split('.'), equals };
}

/**
 * One incoming message as rules read it: parsed at most once however many rules look at it. Not
 * JSON, binary, or a path that leads nowhere: no rule holds.
 */
export class ReplyView {
  readonly data: Data;
  #parsed: unknown;
  #state: 'unread' | 'json' | 'not-json' = 'unread';

  constructor(data: Data) {
    this.data = data;
  }

  satisfies(rule: JsonRule): boolean {
    const root = this.#json();
    if (this.#state !== 'json') return false;
    let value: unknown = root;
    for (const key of rule.path) {
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return false;
      value = (value as Record<string, unknown>)[key];
    }
    return value === rule.equals;
  }

  #json(): unknown {
    if (this.#state === 'unread') {
      this.#state = 'not-json';
      if (typeof this.data === 'string') {
        try {
          this.#parsed = JSON.parse(this.data);
          this.#state = 'json';
        } catch {
          // Not JSON: no rule holds for it (the message goes to the handlers as any other).
        }
      }
    }
    return this.#parsed;
  }
}

/** A rule as a predicate, for a request whose other rule is a function (it then runs in the sandbox). */
export function rulePredicate(rule: JsonRule): (data: Data) => boolean {
  return (data) => new ReplyView(data).satisfies(rule);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value) ?? String(value);
    } catch {
      return Array.isArray(value) ? 'an array' : 'an object';
    }
  }
  return String(value);
}
