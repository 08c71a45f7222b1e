/**
 * The `wsk/html` module (alias `k6/html`): `parseHTML(src)` and k6's Selection and Element over
 * the parsed page. cheerio (its slim build: htmlparser2, css-select, domutils) does the parsing,
 * selecting and traversing; this file gives it k6's shape: callbacks that get an index and an
 * Element or a Selection, `attr()` undefined when absent, `val()` by form control, `data()`, and
 * the form serializers.
 *
 * cheerio is evaluated on the first parse in a realm, not when the realm boots, so realms whose
 * scripts do not parse HTML never pay for it (about 30 ms and 1 MB a realm). Scripts reach only
 * the classes below: cheerio's own objects stay in private fields.
 */
import type * as Html from 'wsk/html';
import type { Cheerio, CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element as DomElement } from 'domhandler';

// esbuild turns this call into a lazily initialised module; runtime/tsconfig has no Node types.
declare const require: (id: 'cheerio/slim') => typeof import('cheerio/slim');

let loader: typeof import('cheerio/slim').load | undefined;

function load(src: string): CheerioAPI {
  loader ??= require('cheerio/slim').load;
  return loader(src);
}

/** k6's nodeType numbers, by domhandler's node types. */
const NODE_TYPES: Readonly<Record<string, number>> = { tag: 1, script: 1, style: 1, text: 3, cdata: 4, directive: 10, comment: 8, root: 9 };
const SUBMITTABLE = 'input,select,textarea,keygen';
const NOT_SUBMITTED = ['submit', 'button', 'reset', 'image', 'file'];

type Selector = string | Html.Selection | Html.Element;
type Matcher = (index: number, selection: Html.Selection) => unknown;

export function parseHTML(src: string, url = ''): Selection {
  if (typeof src !== 'string') throw new TypeError(`parseHTML(): the source must be a string, got ${describe(src)}`);
  const $ = load(src);
  return new Selection($, $.root(), url);
}

export class Selection implements Html.Selection {
  readonly #$: CheerioAPI;
  readonly #c: Cheerio<AnyNode>;
  readonly url: string;

  constructor($: CheerioAPI, c: Cheerio<AnyNode>, url: string) {
    this.#$ = $;
    this.#c = c;
    this.url = url;
  }

  #wrap(c: Cheerio<AnyNode>): Selection {
    return new Selection(this.#$, c, this.url);
  }

  /** What cheerio takes for a selector argument: a string, nodes, or a selection's nodes. */
  #selector(arg: Selector, method: string): string | AnyNode | Cheerio<AnyNode> {
    if (typeof arg === 'string') return arg;
    if (arg instanceof Selection) return arg.#c;
    if (arg instanceof Element) return Element.nodeOf(arg);
    throw new TypeError(`${method}(): the argument must be a selector string, a Selection or an Element, got ${describe(arg)}`);
  }

  /** Calls `fn(index, Selection)` for each node, as k6 does for filter, is, not and map. */
  #matcher(fn: Matcher): (index: number, node: AnyNode) => boolean {
    return (index, node) => Boolean(fn(index, this.#wrap(this.#$(node))));
  }

  add(arg: Selector): Selection {
    return this.#wrap(this.#c.add(this.#selector(arg, 'add') as string));
  }
  find(arg: Selector): Selection {
    return this.#wrap(this.#c.find(this.#selector(arg, 'find') as string));
  }
  closest(arg: Selector): Selection {
    return this.#wrap(this.#c.closest(this.#selector(arg, 'closest') as string));
  }
  has(arg: Selector): Selection {
    const selector = this.#selector(arg, 'has');
    return this.#wrap(this.#c.has((typeof selector === 'string' ? selector : this.#$(selector).get(0)) as string));
  }
  not(arg: Selector | (Matcher)): Selection {
    return this.#wrap(this.#c.not(typeof arg === 'function' ? this.#matcher(arg) : (this.#selector(arg, 'not') as string)));
  }
  filter(arg: string | Selection | (Matcher)): Selection {
    if (typeof arg === 'function') return this.#wrap(this.#c.filter(this.#matcher(arg)));
    if (typeof arg === 'string' || arg instanceof Selection) return this.#wrap(this.#c.filter(this.#selector(arg, 'filter') as string));
    throw new TypeError(`filter(): the argument must be a function, a selector or a Selection, got ${describe(arg)}`);
  }
  is(arg: string | Selection | (Matcher)): boolean {
    if (typeof arg === 'function') return this.#c.is(this.#matcher(arg));
    if (typeof arg === 'string' || arg instanceof Selection) return this.#c.is(this.#selector(arg, 'is') as string);
    throw new TypeError(`is(): the argument must be a function, a selector or a Selection, got ${describe(arg)}`);
  }

  next(selector?: string): Selection {
    return this.#wrap(this.#c.next(selector));
  }
  nextAll(selector?: string): Selection {
    return this.#wrap(this.#c.nextAll(selector));
  }
  prev(selector?: string): Selection {
    return this.#wrap(this.#c.prev(selector));
  }
  prevAll(selector?: string): Selection {
    return this.#wrap(this.#c.prevAll(selector));
  }
  parent(selector?: string): Selection {
    return this.#wrap(this.#c.parent(selector));
  }
  parents(selector?: string): Selection {
    return this.#wrap(this.#c.parents(selector));
  }
  siblings(selector?: string): Selection {
    return this.#wrap(this.#c.siblings(selector));
  }
  children(selector?: string): Selection {
    return this.#wrap(this.#c.children(selector));
  }
  contents(): Selection {
    return this.#wrap(this.#c.contents());
  }
  nextUntil(until?: Selector | null, filter?: string): Selection {
    return this.#wrap(this.#c.nextUntil(this.#until(until, 'nextUntil'), filter));
  }
  prevUntil(until?: Selector | null, filter?: string): Selection {
    return this.#wrap(this.#c.prevUntil(this.#until(until, 'prevUntil'), filter));
  }
  parentsUntil(until?: Selector | null, filter?: string): Selection {
    return this.#wrap(this.#c.parentsUntil(this.#until(until, 'parentsUntil'), filter));
  }
  #until(until: Selector | null | undefined, method: string): string | undefined {
    return until === undefined || until === null ? undefined : (this.#selector(until, method) as string);
  }

  size(): number {
    return this.#c.length;
  }
  end(): Selection {
    return this.#wrap(this.#c.end());
  }
  eq(index: number): Selection {
    return this.#wrap(this.#c.eq(index));
  }
  first(): Selection {
    return this.#wrap(this.#c.first());
  }
  last(): Selection {
    return this.#wrap(this.#c.last());
  }
  slice(start: number, end?: number): Selection {
    return this.#wrap(this.#c.slice(start, end));
  }

  text(): string {
    return this.#c.text();
  }
  html(): string | undefined {
    return this.#c.length === 0 ? undefined : (this.#c.html() ?? '');
  }
  attr(name: string, fallback?: unknown): unknown {
    const value = this.#c.attr(name);
    return value === undefined ? fallback : value;
  }
  data(key?: string): unknown {
    const node = this.#c.get(0);
    if (node === undefined || !isElement(node)) return undefined;
    if (key !== undefined) {
      const value = node.attribs[`data-${propertyToAttribute(String(key))}`];
      return value === undefined ? undefined : dataValue(value);
    }
    const data: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.attribs)) {
      if (name.startsWith('data-') && name.length > 5) data[attributeToProperty(name.slice(5))] = dataValue(value);
    }
    return data;
  }

  /** As k6 reads a form control: by the first node's tag. */
  val(): string | string[] | undefined {
    const node = this.#c.get(0);
    if (node === undefined || !isElement(node)) return undefined;
    const first = this.#wrap(this.#$(node));
    switch (node.name) {
      case 'input': {
        const value = node.attribs['value'];
        if (value !== undefined) return value;
        return node.attribs['type'] === 'radio' || node.attribs['type'] === 'checkbox' ? 'on' : '';
      }
      case 'button':
        return node.attribs['value'] ?? '';
      case 'textarea':
        return first.html() ?? '';
      case 'option':
        return optionValue(first);
      case 'select': {
        const selected = first.find('option[selected]');
        if (node.attribs['multiple'] !== undefined) return selected.toArray().map(optionValue);
        return selected.size() === 0 ? '' : optionValue(selected.first());
      }
      default:
        return undefined;
    }
  }

  each(fn: (index: number, element: Html.Element) => unknown): Selection {
    if (typeof fn !== 'function') throw new TypeError('each(): the argument must be a function');
    this.#c.toArray().forEach((node, i) => fn(i, new Element(node, this)));
    return this;
  }
  map<T>(fn: (index: number, selection: Html.Selection) => T): T[] {
    if (typeof fn !== 'function') throw new TypeError('map(): the argument must be a function');
    return this.#c.toArray().map((node, i) => fn(i, this.#wrap(this.#$(node))));
  }
  get(): Element[];
  get(index: number): Element | undefined;
  get(index?: number): Element | Element[] | undefined {
    const nodes = this.#c.toArray();
    if (index === undefined) return nodes.map((node) => new Element(node, this));
    const node = index < 0 ? nodes[nodes.length + index] : nodes[index];
    return node === undefined ? undefined : new Element(node, this);
  }
  toArray(): Selection[] {
    return this.#c.toArray().map((node) => this.#wrap(this.#$(node)));
  }
  index(arg?: Selector): number {
    return arg === undefined ? this.#c.index() : this.#c.index(this.#selector(arg, 'index') as string);
  }

  serializeArray(): { name: string; value: string | string[] }[] {
    const controls = this.#c.is('form') ? this.#c.find(SUBMITTABLE) : this.#c.filter(SUBMITTABLE);
    const fields: { name: string; value: string | string[] }[] = [];
    for (const node of controls.toArray()) {
      if (!isElement(node)) continue;
      const { name = '', type = '', disabled, checked } = node.attribs;
      if (name === '' || disabled === 'disabled' || NOT_SUBMITTED.includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && checked !== 'checked') continue;
      fields.push({ name, value: this.#wrap(this.#$(node)).val() ?? '' });
    }
    return fields;
  }
  serializeObject(): Record<string, string | string[]> {
    return Object.fromEntries(this.serializeArray().map(({ name, value }) => [name, value]));
  }
  /** URL-encoded, sorted by name, as Go's url.Values encodes. */
  serialize(): string {
    const byName = new Map<string, string[]>();
    for (const { name, value } of this.serializeArray()) byName.set(name, Array.isArray(value) ? value : [value]);
    const pairs: string[] = [];
    for (const name of [...byName.keys()].sort()) for (const value of byName.get(name)!) pairs.push(`${formEscape(name)}=${formEscape(value)}`);
    return pairs.join('&');
  }

  static outerHtml(owner: Selection, node: AnyNode): string {
    return owner.#$.html(node);
  }

  /** The Selection an Element belongs to, holding only that element. */
  static ofNode(owner: Selection, node: AnyNode): Selection {
    return owner.#wrap(owner.#$(node));
  }
}

/** One node of a Selection, with the DOM-like accessors k6 gives it. */
export class Element implements Html.Element {
  readonly #node: AnyNode;
  readonly #owner: Selection;

  constructor(node: AnyNode, owner: Selection) {
    this.#node = node;
    this.#owner = owner;
  }

  static nodeOf(element: Element): AnyNode {
    return element.#node;
  }

  #element(node: AnyNode | null | undefined): Element | undefined {
    return node === null || node === undefined ? undefined : new Element(node, this.#owner);
  }
  #attribs(): Record<string, string> {
    return isElement(this.#node) ? this.#node.attribs : {};
  }

  get nodeName(): string {
    const node = this.#node;
    if (isElement(node)) return node.name;
    return node.type === 'text' ? '#text' : node.type === 'comment' ? '#comment' : node.type === 'root' ? '#document' : node.type;
  }
  get nodeType(): number | undefined {
    return NODE_TYPES[this.#node.type];
  }
  get nodeValue(): string | null {
    const node = this.#node;
    return node.type === 'text' || node.type === 'comment' ? (node as unknown as { data: string }).data : null;
  }
  get id(): string {
    return this.#attribs()['id'] ?? '';
  }
  get className(): string | undefined {
    return this.#attribs()['class'];
  }
  get classList(): string[] {
    return (this.#attribs()['class'] ?? '').split(/\s+/).filter((name) => name !== '');
  }
  get textContent(): string {
    return this.selection().text();
  }
  get innerHTML(): string {
    return this.selection().html() ?? '';
  }
  get parentNode(): Element | undefined {
    return this.#element(this.#node.parent);
  }
  get parentElement(): Element | undefined {
    const parent = this.#node.parent;
    return parent !== null && isElement(parent) ? this.#element(parent) : undefined;
  }
  get childNodes(): Element[] {
    return this.selection().contents().get();
  }
  get children(): Element[] {
    return this.selection().children().get();
  }
  get childElementCount(): number {
    return this.selection().children().size();
  }
  get firstChild(): Element | undefined {
    return this.childNodes[0];
  }
  get lastChild(): Element | undefined {
    return this.childNodes.at(-1);
  }
  get firstElementChild(): Element | undefined {
    return this.children[0];
  }
  get lastElementChild(): Element | undefined {
    return this.children.at(-1);
  }
  get previousSibling(): Element | undefined {
    return this.#element(this.#node.prev);
  }
  get nextSibling(): Element | undefined {
    return this.#element(this.#node.next);
  }
  get previousElementSibling(): Element | undefined {
    return this.selection().prev().get(0);
  }
  get nextElementSibling(): Element | undefined {
    return this.selection().next().get(0);
  }
  get ownerDocument(): Element | undefined {
    let node: AnyNode = this.#node;
    while (node.parent !== null) node = node.parent;
    return node === this.#node ? undefined : this.#element(node);
  }
  /** The attributes an HTML element reflects as properties; k6 gives the common ones by tag. */
  get href(): string | undefined {
    return this.#attribs()['href'];
  }
  get src(): string | undefined {
    return this.#attribs()['src'];
  }
  get name(): string | undefined {
    return this.#attribs()['name'];
  }
  get type(): string | undefined {
    return this.#attribs()['type'];
  }
  get value(): string | string[] | undefined {
    return this.selection().val();
  }
  get action(): string | undefined {
    return this.#attribs()['action'];
  }
  get method(): string | undefined {
    const method = this.#attribs()['method'];
    return method === undefined ? undefined : method.toLowerCase();
  }
  get checked(): boolean {
    return this.#attribs()['checked'] !== undefined;
  }
  get selected(): boolean {
    return this.#attribs()['selected'] !== undefined;
  }
  get disabled(): boolean {
    return this.#attribs()['disabled'] !== undefined;
  }

  getAttribute(name: string): string | undefined {
    return this.#attribs()[String(name).toLowerCase()];
  }
  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== undefined;
  }
  hasAttributes(): boolean {
    return Object.keys(this.#attribs()).length > 0;
  }
  attributes(): Record<string, { name: string; value: string }> {
    return Object.fromEntries(Object.entries(this.#attribs()).map(([name, value]) => [name, { name, value }]));
  }
  hasChildNodes(): boolean {
    return this.childNodes.length > 0;
  }
  querySelector(selector: string): Element | undefined {
    return this.selection().find(selector).get(0);
  }
  querySelectorAll(selector: string): Element[] {
    return this.selection().find(selector).get();
  }
  getElementsByClassName(name: string): Element[] {
    return this.querySelectorAll(`.${String(name).trim().split(/\s+/).join('.')}`);
  }
  getElementsByTagName(name: string): Element[] {
    return this.querySelectorAll(String(name));
  }
  matches(selector: string): boolean {
    return this.selection().is(selector);
  }
  contains(other: Html.Element): boolean {
    if (!(other instanceof Element)) return false;
    for (let node: AnyNode | null = other.#node.parent; node !== null; node = node.parent) if (node === this.#node) return true;
    return false;
  }
  isSameNode(other: Html.Element): boolean {
    return other instanceof Element && other.#node === this.#node;
  }
  isEqualNode(other: Html.Element): boolean {
    return other instanceof Element && Selection.outerHtml(this.#owner, other.#node) === Selection.outerHtml(this.#owner, this.#node);
  }
  /** A Selection of this element alone. */
  selection(): Selection {
    return Selection.ofNode(this.#owner, this.#node);
  }
  toString(): string {
    return `[object ${isElement(this.#node) ? 'HTMLElement' : this.nodeName}]`;
  }
}

function optionValue(option: Selection): string {
  const value = option.attr('value');
  return typeof value === 'string' ? value : option.text();
}

function isElement(node: AnyNode): node is DomElement {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

/** jQuery's data(): 'true', 'false', 'null', numbers and JSON become values; the rest stays text. */
function dataValue(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  if (text !== '' && String(Number(text)) === text) return Number(text);
  if (/^(\{[\s\S]*\}|\[[\s\S]*\])$/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** 'fooBar' → 'foo-bar' (the attribute after "data-"). */
function propertyToAttribute(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** 'foo-bar' → 'fooBar'. */
function attributeToProperty(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function formEscape(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

export function createHtmlModule(): typeof Html {
  return MODULE;
}

const MODULE = Object.freeze({ parseHTML: (src: string) => parseHTML(src) }) as unknown as typeof Html;

export const REALM_SHARED: readonly object[] = [MODULE, Selection, Element];
