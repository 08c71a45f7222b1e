import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSTEM_TAGS, SeriesTags, SYSTEM_TAGS, tagsKey, tagsOfKey } from '../../../src/metrics/tags.js';

const HOP = { scenario: 'default', group: '', method: 'GET', status: '200', proto: 'HTTP/1.1' };

describe('SeriesTags', () => {
  it('keys a named request by its name alone, and an unnamed one by its url and name', () => {
    const series = new SeriesTags();
    expect(series.of({ ...HOP, url: 'http://127.0.0.1/items/7', name: 'http://127.0.0.1/items/${}' })).toEqual({ ...HOP, name: 'http://127.0.0.1/items/${}' });
    const unnamed = { ...HOP, url: 'http://127.0.0.1/health', name: 'http://127.0.0.1/health' };
    expect(series.of(unnamed)).toBe(unnamed);
  });

  it('drops the system tags systemTags leaves out, and keeps the url when name is left out', () => {
    const noUrl = new SeriesTags(DEFAULT_SYSTEM_TAGS.filter((tag) => tag !== 'url'));
    expect(noUrl.of({ ...HOP, url: 'http://127.0.0.1/a', name: 'http://127.0.0.1/a', mine: 'x' })).toEqual({ ...HOP, name: 'http://127.0.0.1/a', mine: 'x' });
    const onlyUrl = new SeriesTags(['url']);
    expect(onlyUrl.of({ ...HOP, url: 'http://127.0.0.1/a?id=1', name: 'by-id', check: 'ok' })).toEqual({ url: 'http://127.0.0.1/a?id=1' });
    expect(new SeriesTags([]).of({ ...HOP, vu: '3', mine: 'x' })).toEqual({ mine: 'x' });
  });

  it('returns the same object for the same tags, and the tags themselves when nothing is dropped', () => {
    const series = new SeriesTags();
    const socket = { scenario: 'chat', url: 'ws://127.0.0.1/chat?id=9', name: 'chat' };
    expect(series.of(socket)).toBe(series.of(socket));
    expect(socket.url).toBe('ws://127.0.0.1/chat?id=9');
    const plain = { scenario: 'chat', check: 'ok' };
    expect(series.of(plain)).toBe(plain);
  });

  it('knows every default tag as a system tag', () => {
    expect(DEFAULT_SYSTEM_TAGS.filter((tag) => !SYSTEM_TAGS.includes(tag))).toEqual([]);
  });
});

describe('tagsOfKey', () => {
  it('reads a key back as the tags it was made of', () => {
    const tags = { url: 'http://127.0.0.1/a:b?c=1:2', name: '', 'odd:name': '3:x', status: '200' };
    expect(Object.fromEntries(tagsOfKey(tagsKey(tags)))).toEqual(tags);
    expect(tagsOfKey('')).toEqual([]);
  });
});
