/**
 * `wsk/html` (alias `k6/html`): HTML parsed into a jQuery-like Selection, as k6's.
 *
 * ```ts
 * import { parseHTML } from 'k6/html';
 * const doc = parseHTML(res.body as string);     // or res.html()
 * const title = doc.find('head title').text();
 * const links = doc.find('a').map((i, a) => a.attr('href'));
 * ```
 *
 * The parser is htmlparser2's (cheerio): it builds the tree the markup spells out, without the
 * <html>, <head>, <body> and <tbody> a browser (or k6's Go parser) adds when they are missing.
 */
export {};

type Selector = string | Selection | Element;
type Matcher = (index: number, selection: Selection) => unknown;

export interface Selection {
  /** The URL of the response the page came from ('' for parseHTML). */
  readonly url: string;
  add(selector: Selector): Selection;
  find(selector: Selector): Selection;
  closest(selector: Selector): Selection;
  has(selector: Selector): Selection;
  not(selector: Selector | Matcher): Selection;
  filter(selector: string | Selection | Matcher): Selection;
  is(selector: string | Selection | Matcher): boolean;
  next(selector?: string): Selection;
  nextAll(selector?: string): Selection;
  nextUntil(until?: Selector | null, filter?: string): Selection;
  prev(selector?: string): Selection;
  prevAll(selector?: string): Selection;
  prevUntil(until?: Selector | null, filter?: string): Selection;
  parent(selector?: string): Selection;
  parents(selector?: string): Selection;
  parentsUntil(until?: Selector | null, filter?: string): Selection;
  siblings(selector?: string): Selection;
  children(selector?: string): Selection;
  contents(): Selection;
  size(): number;
  end(): Selection;
  eq(index: number): Selection;
  first(): Selection;
  last(): Selection;
  slice(start: number, end?: number): Selection;
  /** The text of every node, joined. */
  text(): string;
  /** The inner HTML of the first node; undefined for an empty selection. */
  html(): string | undefined;
  /** The first node's attribute; `fallback` (default undefined) when it has none. */
  attr(name: string, fallback?: unknown): unknown;
  /** The first node's data-* attributes (camelCased keys), or one of them; 'true', numbers and JSON become values. */
  data(key?: string): unknown;
  /** The first node's value as a form control: input, button, textarea, option, select (an array when multiple). */
  val(): string | string[] | undefined;
  each(fn: (index: number, element: Element) => unknown): Selection;
  map<T>(fn: (index: number, selection: Selection) => T): T[];
  get(): Element[];
  get(index: number): Element | undefined;
  toArray(): Selection[];
  index(selector?: Selector): number;
  /** A form's (or the selected controls') submitted fields, as a browser submits them. */
  serializeArray(): { name: string; value: string | string[] }[];
  serializeObject(): Record<string, string | string[]>;
  /** The fields URL-encoded, sorted by name. */
  serialize(): string;
}

export interface Element {
  readonly nodeName: string;
  /** 1 element, 3 text, 4 CDATA, 8 comment, 9 document, 10 doctype. */
  readonly nodeType: number | undefined;
  readonly nodeValue: string | null;
  readonly id: string;
  readonly className: string | undefined;
  readonly classList: string[];
  readonly textContent: string;
  readonly innerHTML: string;
  readonly parentNode: Element | undefined;
  readonly parentElement: Element | undefined;
  readonly childNodes: Element[];
  readonly children: Element[];
  readonly childElementCount: number;
  readonly firstChild: Element | undefined;
  readonly lastChild: Element | undefined;
  readonly firstElementChild: Element | undefined;
  readonly lastElementChild: Element | undefined;
  readonly previousSibling: Element | undefined;
  readonly nextSibling: Element | undefined;
  readonly previousElementSibling: Element | undefined;
  readonly nextElementSibling: Element | undefined;
  readonly ownerDocument: Element | undefined;
  readonly href: string | undefined;
  readonly src: string | undefined;
  readonly name: string | undefined;
  readonly type: string | undefined;
  readonly value: string | string[] | undefined;
  readonly action: string | undefined;
  readonly method: string | undefined;
  readonly checked: boolean;
  readonly selected: boolean;
  readonly disabled: boolean;
  getAttribute(name: string): string | undefined;
  hasAttribute(name: string): boolean;
  hasAttributes(): boolean;
  attributes(): Record<string, { name: string; value: string }>;
  hasChildNodes(): boolean;
  querySelector(selector: string): Element | undefined;
  querySelectorAll(selector: string): Element[];
  getElementsByClassName(names: string): Element[];
  getElementsByTagName(name: string): Element[];
  matches(selector: string): boolean;
  contains(other: Element): boolean;
  isSameNode(other: Element): boolean;
  isEqualNode(other: Element): boolean;
  /** A Selection of this element alone. */
  selection(): Selection;
}

/** Parses an HTML document (or fragment) into a Selection of its root. */
export function parseHTML(src: string): Selection;
