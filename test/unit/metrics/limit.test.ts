import { describe, expect, it } from 'vitest';
import { foldWarning, OTHER_VALUE, SeriesLimit } from '../../../src/metrics/limit.js';
import { tagsKey } from '../../../src/metrics/tags.js';
import type { Tags } from '../../../src/types.js';

function placeAll(limit: SeriesLimit, tagSets: readonly Tags[]): { key: string; tags: Tags; started: boolean }[] {
  return tagSets.map((tags) => {
    const place = limit.place(tagsKey(tags), tags);
    return { key: place.key, tags: place.tags, started: place.startedFolding !== undefined };
  });
}

const request = (id: number, status = '200'): Tags => ({ scenario: 'default', method: 'GET', status, url: `/items/${id}`, name: `/items/${id}` });

describe('SeriesLimit', () => {
  it('gives each tag set its own series up to the limit, and again to a tag set it already has', () => {
    const limit = new SeriesLimit(3);
    const places = placeAll(limit, [request(1), request(2), request(3), request(1), request(3)]);
    expect(places.map((place) => place.tags)).toEqual([request(1), request(2), request(3), request(1), request(3)]);
    expect(limit.folding).toBeUndefined();
  });

  it('then folds the tags with the most distinct values into "(other)", keeping the others', () => {
    const limit = new SeriesLimit(20);
    const first = Array.from({ length: 20 }, (_, i) => request(i, i % 5 === 0 ? '404' : '200'));
    const places = placeAll(limit, [...first, request(20), request(21, '404'), request(22), request(2)]);
    const other = { scenario: 'default', method: 'GET', url: OTHER_VALUE, name: OTHER_VALUE };
    expect(places.slice(20).map((place) => place.tags)).toEqual([{ ...other, status: '200' }, { ...other, status: '404' }, { ...other, status: '200' }, request(2)]);
    expect(places.map((place) => place.started).indexOf(true)).toBe(20);
    expect(places.filter((place) => place.started)).toHaveLength(1);
    expect(limit.folding).toEqual([
      { name: 'name', values: 20 },
      { name: 'url', values: 20 },
    ]);
  });

  it('puts folded tag sets that still differ past a tenth of the limit more into one last series', () => {
    const limit = new SeriesLimit(10);
    const tagSets = Array.from({ length: 10 }, (_, i): Tags => ({ id: String(i), page: '1' }));
    // Past the limit, `page` starts to differ too: one more series for it, then the last one.
    tagSets.push({ id: '10', page: '2' }, { id: '11', page: '3' }, { id: '12', page: '4' });
    const places = placeAll(limit, tagSets);
    expect(places.slice(10).map((place) => place.tags)).toEqual([{ id: OTHER_VALUE, page: '2' }, { id: OTHER_VALUE }, { id: OTHER_VALUE }]);
    expect(limit.folding).toEqual([{ name: 'id', values: 10 }]);
  });
});

describe('foldWarning', () => {
  it('names the metric, the limit, the tags and what to do', () => {
    expect(foldWarning('http_req_duration', 10_000, [{ name: 'url', values: 10_000 }, { name: 'name', values: 10_000 }])).toBe(
      'http_req_duration reached 10000 series, the most one metric keeps: tags "url" and "name" took 10000 and 10000 distinct values; ' +
        'new values now count as "(other)" in every metric that reaches the limit. Name the requests (http.url`...` or a name tag) so that they share series.',
    );
    expect(foldWarning('ws_errors', 10, [{ name: 'close_code', values: 10 }])).toMatch(/tag "close_code" took 10 distinct values; .* Leave "close_code" out of options\.systemTags\.$/);
    expect(foldWarning('orders', 10, [{ name: 'order_id', values: 10 }])).toMatch(/Keep values that differ on every sample \(ids, times\) out of tags\.$/);
  });
});
