import { describe, expect, it } from 'vitest';
import { ReplyView, replyRule, rulePredicate, type JsonRule } from '../../../../src/protocols/ws/matching.js';
import { HostRequests } from '../../../../src/protocols/ws/requests.js';

const rule = (json: string, equals: JsonRule['equals']): JsonRule => replyRule({ json, equals }, 'match') as JsonRule;
const satisfies = (data: string | ArrayBuffer, r: JsonRule): boolean => new ReplyView(data).satisfies(r);
const TAGS = { url: 'ws://127.0.0.1:1' };

describe('replyRule: checking a request option', () => {
  it('keeps a function and an absent option as they are, and splits a rule path', () => {
    const fn = (): boolean => true;
    expect(replyRule(fn, 'request(): match')).toBe(fn);
    expect(replyRule(undefined, 'request(): match')).toBeUndefined();
    expect(replyRule({ json: 'meta.id', equals: 7 }, 'request(): match')).toEqual({ path: ['meta', 'id'], equals: 7 });
  });

  it.each([
    ['done', `request(): until must be a function or { json: 'field.path', equals: a string, number, boolean or null }, got "done"`],
    [null, 'request(): until must be a function or'],
    [[1], 'request(): until must be a function or'],
    [{ json: 'id', equals: 1, other: 2 }, 'request(): until has an unknown key "other"'],
    [{ json: '', equals: 1 }, `request(): until.json must be a field path such as 'id' or 'meta.id', got ""`],
    [{ json: 'a..b', equals: 1 }, `request(): until.json must be a field path such as 'id' or 'meta.id', got "a..b"`],
    [{ json: 3, equals: 1 }, 'request(): until.json must be a field path such as'],
    [{ json: 'id' }, 'request(): until.equals must be a string, a finite number, a boolean or null, got undefined'],
    [{ json: 'id', equals: { a: 1 } }, 'request(): until.equals must be a string, a finite number, a boolean or null, got {"a":1}'],
    [{ json: 'id', equals: Number.NaN }, 'request(): until.equals must be a string, a finite number, a boolean or null, got NaN'],
  ])('refuses %j with a TypeError naming the option and what is allowed', (value, message) => {
    expect(() => replyRule(value, 'request(): until')).toThrow(TypeError);
    expect(() => replyRule(value, 'request(): until')).toThrow(message);
  });
});

describe('ReplyView: a message against rules', () => {
  it('follows dotted paths through objects and arrays', () => {
    const text = JSON.stringify({ id: 1, meta: { id: 'a-7', list: [{ ok: true }] } });
    expect(satisfies(text, rule('id', 1))).toBe(true);
    expect(satisfies(text, rule('meta.id', 'a-7'))).toBe(true);
    expect(satisfies(text, rule('meta.list.0.ok', true))).toBe(true);
    expect(satisfies(text, rule('meta.missing', null))).toBe(false);
    expect(satisfies(text, rule('id.deeper', 1))).toBe(false);
    expect(satisfies(text, rule('meta.toString', 'x'))).toBe(false);
  });

  it('compares with ===: numbers, strings, booleans and null are not interchangeable', () => {
    const text = JSON.stringify({ n: 1, s: '1', b: true, z: null });
    expect(satisfies(text, rule('n', 1))).toBe(true);
    expect(satisfies(text, rule('n', '1'))).toBe(false);
    expect(satisfies(text, rule('s', '1'))).toBe(true);
    expect(satisfies(text, rule('s', 1))).toBe(false);
    expect(satisfies(text, rule('b', true))).toBe(true);
    expect(satisfies(text, rule('b', 'true'))).toBe(false);
    expect(satisfies(text, rule('z', null))).toBe(true);
    expect(satisfies(text, rule('n', 2))).toBe(false);
  });

  it('holds for no rule on non-JSON text, JSON that is not an object, or binary data', () => {
    expect(satisfies('{"id": 1', rule('id', 1))).toBe(false);
    expect(satisfies('hello', rule('id', 1))).toBe(false);
    expect(satisfies('1', rule('id', 1))).toBe(false);
    expect(satisfies(new TextEncoder().encode('{"id":1}').buffer as ArrayBuffer, rule('id', 1))).toBe(false);
    expect(rulePredicate(rule('id', 1))('{"id":1}')).toBe(true);
  });
});

describe('HostRequests: correlating replies on the host', () => {
  it('gives each message to the first open request it matches, and ends a request at its until reply', () => {
    const requests = new HostRequests();
    const a = requests.add(1, rule('id', 'a'), rule('done', true), 100, 10_000, TAGS);
    const b = requests.add(2, rule('id', 'b'), rule('done', true), 101, 10_000, TAGS);
    expect(requests.offer('{"id":"b","part":0}', 110)).toBe(b);
    expect(requests.offer('unrelated', 111)).toBeUndefined();
    expect(requests.offer('{"id":"c","done":true}', 112)).toBeUndefined();
    expect(requests.offer(new ArrayBuffer(4), 113)).toBeUndefined();
    expect(requests.offer('{"id":"a","part":0}', 120)).toBe(a);
    expect(a.done).toBe(false);
    expect(requests.offer('{"id":"a","done":true}', 130)).toBe(a);
    expect(a).toMatchObject({ done: true, firstAt: 120, lastAt: 130, replies: ['{"id":"a","part":0}', '{"id":"a","done":true}'] });
    expect(requests.size).toBe(1);
    expect(requests.offer('{"id":"b","done":true}', 140)).toMatchObject({ op: 2, done: true, firstAt: 110, lastAt: 140 });
    expect(requests.size).toBe(0);
  });

  it('takes the next message, text or binary, as the one reply by default', () => {
    const requests = new HostRequests();
    const request = requests.add(1, null, null, 0, 1000, TAGS);
    const bytes = new ArrayBuffer(2);
    expect(requests.offer(bytes, 5)).toBe(request);
    expect(request).toMatchObject({ done: true, replies: [bytes], firstAt: 5, lastAt: 5 });
    expect(requests.offer('later', 6)).toBeUndefined();
  });

  it('expires requests at their deadline with the replies so far, and cuts off the rest', () => {
    const requests = new HostRequests();
    const short = requests.add(1, rule('id', 1), rule('done', true), 0, 200, TAGS);
    const long = requests.add(2, rule('id', 2), rule('done', true), 0, 5000, TAGS);
    requests.offer('{"id":1,"part":0}', 50);
    expect(requests.expired(199)).toEqual([]);
    expect(requests.expired(200)).toEqual([short]);
    expect(short.replies).toEqual(['{"id":1,"part":0}']);
    expect(requests.size).toBe(1);
    expect(requests.cutOff()).toEqual([long]);
    expect(requests.size).toBe(0);
  });
});
