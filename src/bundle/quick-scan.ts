/**
 * A look at a user file with a token scanner instead of the TypeScript parser, which takes about
 * half a second of CPU to load: most scripts are a single wsk-style file whose runtime imports are
 * only ever called (`await ws.open(url)`, `check(r, ...)`), and for those the analysis has nothing
 * to rewrite and nothing to warn about, and lists the runtime members they call. The scan answers
 * only when it can tell that much for certain; anything else (a k6 import, an import of the user's
 * own files or by URL, a runtime binding used other than by calling it, a blocking call not plainly
 * awaited, `import.meta`, a `/` after `}`, which may be either division or regex) makes it answer undefined,
 * and the file goes through the full analysis (rewrite.ts), whose results it would equal.
 */
import { isBlockingExport, isK6Specifier, runtimeModuleOf, type RuntimeTable } from './runtime-table.js';
import { isSourceSpecifier } from './source-files.js';

/** A member of a runtime module the file uses, as imports.ts lists it; `offset` is where its name starts. */
export interface ScannedReference {
  readonly module: string;
  readonly specifier: string;
  readonly path: readonly string[];
  readonly offset: number;
}

export interface QuickScan {
  /** Every module specifier the file imports from, type-only imports included. */
  readonly specifiers: readonly string[];
  readonly references: readonly ScannedReference[];
}

/** The file's runtime imports and references, or undefined when only the full analysis can tell. */
export function quickScan(text: string, table: RuntimeTable): QuickScan | undefined {
  const scanned = scanImports(text);
  if (scanned === undefined) return undefined;
  const { tokens, imports } = scanned;
  const specifiers = imports.declarations.map((declaration) => declaration.specifier);
  if (specifiers.some((specifier) => isSourceSpecifier(specifier) || isK6Specifier(table, specifier))) return undefined;
  const bindings = runtimeBindings(imports.declarations, table);
  if (bindings === undefined) return undefined;
  const named: ScannedReference[] = [];
  for (const declaration of imports.declarations) {
    const module = runtimeModuleOf(table, declaration.specifier);
    if (module === undefined || declaration.typeOnly) continue;
    for (const element of declaration.named) {
      if (!element.typeOnly && element.imported !== 'default') named.push({ module, specifier: declaration.specifier, path: [element.imported], offset: element.offset });
    }
  }
  const members: ScannedReference[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (imports.consumed.has(i) || token.kind !== 'name' || isPropertyName(tokens, i)) continue;
    const binding = bindings.get(token.text);
    if (binding === undefined) continue;
    const chain = calledChain(tokens, i, table, binding);
    if (chain === undefined) return undefined;
    members.push(...chain);
  }
  // The first specifier of a module names it in messages, as the analysis's specifierOf does.
  const specifierOf = (module: string): string => imports.declarations.find((d) => !d.typeOnly && runtimeModuleOf(table, d.specifier) === module)?.specifier ?? module;
  return { specifiers, references: [...named, ...members.map((reference) => ({ ...reference, specifier: specifierOf(reference.module) }))] };
}

/**
 * Every module specifier of a script, type-only imports included, as TypeScript's preProcessFile
 * lists them; undefined when the file also names modules another way (require(), import(),
 * `export … from`, `import x = require()`), which only a parser lists.
 */
export function importSpecifiers(text: string): string[] | undefined {
  return scanImports(text)?.imports.declarations.map((declaration) => declaration.specifier);
}

function scanImports(text: string): { tokens: Token[]; imports: Imports } | undefined {
  const tokens = tokenize(text);
  const imports = tokens === undefined ? undefined : importDeclarations(tokens);
  if (tokens === undefined || imports === undefined) return undefined;
  const namesModules = tokens.some((token, i) => token.kind === 'name' && (token.text === 'require' || token.text === 'import') && !imports.consumed.has(i) && !isPropertyName(tokens, i));
  return namesModules ? undefined : { tokens, imports };
}

// ---- tokens ----

type TokenKind = 'name' | 'punct' | 'string' | 'number' | 'template' | 'regex';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly newlineBefore: boolean;
}

const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '%=', '&=', '|=', '^=', '**', '<<', '>>',
];
/** After these words an expression starts, so a `/` begins a regular expression. */
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends']);
/** Keywords whose parenthesised head a statement follows. */
const STATEMENT_HEADS = new Set(['if', 'while', 'for', 'with']);
const NAME = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** The file's tokens, or undefined where a `/` could be either division or a regular expression (after `}`), or at an escape in a name. */
function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  /** For each open `{` or `${`: whether it opened a template's substitution. */
  const braces: boolean[] = [];
  /** For each open `(`: whether it opened the head of an if, while, for or with, after which a statement starts. */
  const parens: boolean[] = [];
  /** Whether the last `)` closed such a head: a `/` after it begins a regular expression, not a division. */
  let closedHead = false;
  let at = text.startsWith('#!') ? lineEnd(text, 0) : 0;
  let newlineBefore = false;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, text: text.slice(at, end), start: at, newlineBefore });
    newlineBefore = false;
    at = end;
  };
  while (at < text.length) {
    const char = text[at]!;
    if (LINE_BREAK.test(char)) {
      newlineBefore = true;
      at++;
    } else if (/\s/.test(char)) {
      at++;
    } else if (text.startsWith('//', at)) {
      at = lineEnd(text, at);
    } else if (text.startsWith('/*', at)) {
      const end = text.indexOf('*/', at + 2);
      if (end < 0) return undefined;
      if (LINE_BREAK.test(text.slice(at, end))) newlineBefore = true;
      at = end + 2;
    } else if (char === '"' || char === "'") {
      const end = stringEnd(text, at);
      if (end === undefined) return undefined;
      push('string', end);
    } else if (char === '`' || (char === '}' && braces.at(-1) === true)) {
      if (char === '}') braces.pop();
      const end = templateEnd(text, at + 1);
      if (end === undefined) return undefined;
      if (text.startsWith('${', end - 2)) braces.push(true);
      push('template', end);
    } else if (char === '/') {
      const previous = tokens.at(-1);
      if (previous !== undefined && previous.kind === 'punct' && previous.text === '}') return undefined;
      const division =
        previous !== undefined &&
        (previous.kind !== 'punct' || previous.text === ']' || (previous.text === ')' && !closedHead)) &&
        !(previous.kind === 'name' && BEFORE_EXPRESSION.has(previous.text));
      if (division) {
        push('punct', text[at + 1] === '=' ? at + 2 : at + 1);
      } else {
        const end = regexEnd(text, at + 1);
        if (end === undefined) return undefined;
        push('regex', end);
      }
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(text[at + 1] ?? ''))) {
      push('number', (/[0-9a-zA-Z_.]*/y.exec(text.slice(at + 1))?.[0].length ?? 0) + at + 1);
    } else if (char === '\\') {
      return undefined;
    } else {
      NAME.lastIndex = at;
      const name = NAME.exec(text);
      if (name !== null) {
        push('name', at + name[0].length);
        continue;
      }
      const punctuator = PUNCTUATORS.find((p) => text.startsWith(p, at) && !(p === '?.' && /[0-9]/.test(text[at + 2] ?? ''))) ?? char;
      if (punctuator === '{') braces.push(false);
      if (punctuator === '}') braces.pop();
      if (punctuator === '(') parens.push(tokens.at(-1)?.kind === 'name' && STATEMENT_HEADS.has(tokens.at(-1)!.text));
      if (punctuator === ')') closedHead = parens.pop() ?? false;
      push('punct', at + punctuator.length);
    }
  }
  return tokens;
}

function lineEnd(text: string, from: number): number {
  const match = /[\n\r\u2028\u2029]/g;
  match.lastIndex = from;
  return match.exec(text)?.index ?? text.length;
}

function stringEnd(text: string, from: number): number | undefined {
  const quote = text[from];
  for (let at = from + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === quote) return at + 1;
    else if (text[at] === '\n' || text[at] === '\r') return undefined;
  }
  return undefined;
}

/** The end of a template's text from `from` (after `` ` `` or `}`): after its closing `` ` `` or after `${`. */
function templateEnd(text: string, from: number): number | undefined {
  for (let at = from; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '`') return at + 1;
    else if (text.startsWith('${', at)) return at + 2;
  }
  return undefined;
}

function regexEnd(text: string, from: number): number | undefined {
  let inClass = false;
  for (let at = from; at < text.length; at++) {
    const char = text[at]!;
    if (char === '\\') at++;
    else if (LINE_BREAK.test(char)) return undefined;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) return at + 1 + (/[a-z]*/y.exec(text.slice(at + 1))?.[0].length ?? 0);
  }
  return undefined;
}

// ---- imports ----

interface NamedImport {
  readonly imported: string;
  readonly local: string;
  readonly typeOnly: boolean;
  readonly offset: number;
}

interface ImportDeclaration {
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly defaultName?: string;
  readonly namespaceName?: string;
  readonly named: readonly NamedImport[];
}

interface Imports {
  readonly declarations: readonly ImportDeclaration[];
  /** Indexes of the declarations' tokens. */
  readonly consumed: ReadonlySet<number>;
}

/** The file's import declarations, or undefined for any `import` or `export … from` this reader does not know. */
function importDeclarations(tokens: readonly Token[]): Imports | undefined {
  const declarations: ImportDeclaration[] = [];
  const consumed = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind !== 'name' || isPropertyName(tokens, i)) continue;
    if (token.text === 'export' && (isPunct(tokens[i + 1], '*') || isPunct(tokens[i + 1], '{') || tokens[i + 1]?.text === 'type')) return undefined;
    if (token.text !== 'import') continue;
    const previous = tokens[i - 1];
    if (previous !== undefined && !token.newlineBefore && !isPunct(previous, ';') && !isPunct(previous, '}')) return undefined;
    const parsed = importDeclaration(tokens, i + 1);
    if (parsed === undefined) return undefined;
    declarations.push(parsed.declaration);
    for (let j = i; j < parsed.end; j++) consumed.add(j);
    i = parsed.end - 1;
  }
  return { declarations, consumed };
}

/** `import` … from 'x' from the token after `import`: the declaration and the index after it. */
function importDeclaration(tokens: readonly Token[], from: number): { declaration: ImportDeclaration; end: number } | undefined {
  let i = from;
  const take = (): Token | undefined => tokens[i++];
  const peek = (): Token | undefined => tokens[i];
  const finish = (declaration: Omit<ImportDeclaration, 'specifier'>): { declaration: ImportDeclaration; end: number } | undefined => {
    const source = take();
    if (source?.kind !== 'string' || source.text.includes('\\')) return undefined;
    const after = peek();
    // Import attributes (`with { type: 'json' }`) are left to the parser.
    if (after !== undefined && !after.newlineBefore && (after.text === 'with' || after.text === 'assert')) return undefined;
    if (isPunct(after, ';')) i++;
    return { declaration: { ...declaration, specifier: source.text.slice(1, -1) }, end: i };
  };
  if (peek()?.kind === 'string') return finish({ typeOnly: false, named: [] });
  let typeOnly = false;
  if (peek()?.text === 'type' && tokens[i + 1] !== undefined && (tokens[i + 1]!.kind === 'name' ? tokens[i + 1]!.text !== 'from' : isPunct(tokens[i + 1], '{') || isPunct(tokens[i + 1], '*'))) {
    typeOnly = true;
    i++;
  }
  let defaultName: string | undefined;
  if (peek()?.kind === 'name' && peek()?.text !== 'from') {
    defaultName = take()!.text;
    if (!isPunct(peek(), ',')) return peek()?.text === 'from' && (take(), true) ? finish({ typeOnly, defaultName, named: [] }) : undefined;
    i++;
  }
  if (isPunct(peek(), '*')) {
    i++;
    if (take()?.text !== 'as') return undefined;
    const name = take();
    if (name?.kind !== 'name' || take()?.text !== 'from') return undefined;
    return finish({ typeOnly, defaultName, namespaceName: name.text, named: [] });
  }
  if (!isPunct(take(), '{')) return undefined;
  const named: NamedImport[] = [];
  while (!isPunct(peek(), '}')) {
    let first = take();
    let elementTypeOnly = false;
    if (first?.text === 'type' && peek()?.kind === 'name' && peek()?.text !== 'as') {
      elementTypeOnly = true;
      first = take();
    }
    if (first?.kind !== 'name') return undefined;
    let local = first;
    if (peek()?.text === 'as') {
      i++;
      const name = take();
      if (name?.kind !== 'name') return undefined;
      local = name;
    }
    named.push({ imported: first.text, local: local.text, typeOnly: elementTypeOnly, offset: first.start });
    if (isPunct(peek(), ',')) i++;
    else if (!isPunct(peek(), '}')) return undefined;
  }
  i++;
  if (take()?.text !== 'from') return undefined;
  return finish({ typeOnly, defaultName, named });
}

interface RuntimeBinding {
  readonly module: string;
  /** From the module's namespace, as values.ts gives it: [] for a namespace, ['default'], ['sleep']. */
  readonly path: readonly string[];
}

/** Local name → the runtime value it binds; undefined when a name is bound twice. */
function runtimeBindings(declarations: readonly ImportDeclaration[], table: RuntimeTable): Map<string, RuntimeBinding> | undefined {
  const bindings = new Map<string, RuntimeBinding>();
  const names = new Set<string>();
  for (const declaration of declarations) {
    if (declaration.typeOnly) continue;
    const module = runtimeModuleOf(table, declaration.specifier);
    const bound: [string, readonly string[]][] = [];
    if (declaration.defaultName !== undefined) bound.push([declaration.defaultName, ['default']]);
    if (declaration.namespaceName !== undefined) bound.push([declaration.namespaceName, []]);
    for (const element of declaration.named) if (!element.typeOnly) bound.push([element.local, [element.imported]]);
    for (const [name, path] of bound) {
      if (names.has(name)) return undefined;
      names.add(name);
      if (module !== undefined) bindings.set(name, { module, path });
    }
  }
  return bindings;
}

// ---- uses ----

/** Words before a name that make it a declaration or a member's name rather than a use of the binding. */
const DECLARING = new Set(['function', 'class', 'interface', 'type', 'enum', 'namespace', 'module', 'let', 'const', 'var', 'get', 'set', 'static', 'async', 'declare', 'readonly', 'abstract', 'public', 'private', 'protected', 'accessor']);

/**
 * The binding at `index` used as `name.a.b(…)` (or `new name.a(…)`): the members it reads, outermost
 * first as the analysis visits them. Undefined for any other use (stored, passed, written, shadowed,
 * a type) and for a blocking call not plainly awaited, which the analysis warns about.
 */
function calledChain(tokens: readonly Token[], index: number, table: RuntimeTable, binding: RuntimeBinding): ScannedReference[] | undefined {
  const previous = tokens[index - 1];
  if (previous !== undefined && ((previous.kind === 'name' && DECLARING.has(previous.text)) || isPunct(previous, '@') || isPunct(previous, '*') || isPunct(previous, '#'))) return undefined;
  const members: Token[] = [];
  let i = index + 1;
  while (isPunct(tokens[i], '.') && tokens[i + 1]?.kind === 'name') {
    members.push(tokens[i + 1]!);
    i += 2;
  }
  if (!isPunct(tokens[i], '(')) return undefined;
  const close = matchingParen(tokens, i);
  if (close === undefined) return undefined;
  const after = tokens[close + 1];
  // `name(…) {` is a method and `name(…): T` a signature, not calls.
  if (isPunct(after, '{') || isPunct(after, ':') || isPunct(after, '=>')) return undefined;
  const path = [...binding.path, ...members.map((member) => member.text)];
  const isNew = previous?.kind === 'name' && previous.text === 'new';
  if (!isNew && isBlockingExport(table, binding.module, path) && !(previous?.text === 'await' && endsOperand(after))) return undefined;
  const references: ScannedReference[] = [];
  for (let depth = members.length; depth >= 1; depth--) {
    // imports.ts stops at objects three deep (`exec.vu.tags`).
    if (binding.path.length + depth - 1 < 3) references.push({ module: binding.module, specifier: '', path: path.slice(0, binding.path.length + depth), offset: members[depth - 1]!.start });
  }
  return references;
}

/** Whether the token after a call ends the expression `await` applies to, so the call is what is awaited. */
function endsOperand(after: Token | undefined): boolean {
  if (after === undefined) return true;
  if (after.kind === 'punct') return [';', ')', ',', '}', ']'].includes(after.text);
  return after.newlineBefore && after.kind === 'name';
}

function matchingParen(tokens: readonly Token[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], '(')) depth++;
    else if (isPunct(tokens[i], ')') && --depth === 0) return i;
  }
  return undefined;
}

/** A name after `.` or `?.` is a member's, not a binding. */
function isPropertyName(tokens: readonly Token[], index: number): boolean {
  const previous = tokens[index - 1];
  return isPunct(previous, '.') || isPunct(previous, '?.');
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}
