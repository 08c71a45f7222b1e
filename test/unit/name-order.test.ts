// Names compare as Intl.Collator('en') orders them, with or without a collator made.
import { describe, expect, it } from 'vitest';
import { compareMetricKeys, compareNames, compareNatural } from '../../src/name-order.js';

/** Every string over `alphabet` up to `length` characters. */
function strings(alphabet: string, length: number): string[] {
  let all = [''];
  let last = [''];
  for (let i = 0; i < length; i++) {
    last = last.flatMap((prefix) => [...alphabet].map((c) => prefix + c));
    all = all.concat(last);
  }
  return all;
}

const sign = (n: number): number => Math.sign(n);

describe('compareNames', () => {
  it("orders lower-case names, digits and _ as the 'en' collator does", () => {
    const collator = new Intl.Collator('en');
    const names = strings('_09az', 3);
    for (const a of names) for (const b of names) expect([a, b, sign(compareNames(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
  });

  it("orders any other name as the 'en' collator does", () => {
    const collator = new Intl.Collator('en');
    const names = ['checks', 'Data', 'data', 'a-b', 'a_b', 'a b', 'ab', 'é', 'e', 'z', '{ x:1 }', '{ x:10 }', '{ x:2 }', 'B2', 'b10'];
    for (const a of names) for (const b of names) expect([a, b, sign(compareNames(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
    expect(['ws_msgs', 'Custom', 'checks', 'data_sent', 'data2'].sort(compareNames)).toEqual(['checks', 'Custom', 'data_sent', 'data2', 'ws_msgs']);
  });
});

describe('compareNatural', () => {
  it('orders numbers in names by value, as the numeric collator does', () => {
    const collator = new Intl.Collator('en', { numeric: true });
    const names = [...strings('_az', 3), 'user2', 'user10', 'user1', '/item/10', '/item/9', 'GET', 'a9', 'a10', 'a_9'];
    for (const a of names) for (const b of names) expect([a, b, sign(compareNatural(a, b))]).toEqual([a, b, sign(collator.compare(a, b))]);
    expect(['user10', 'user2', 'user1'].sort(compareNatural)).toEqual(['user1', 'user2', 'user10']);
  });
});

describe('compareMetricKeys', () => {
  it('puts a submetric right after its metric, submetrics by their filter', () => {
    const keys = ['http_reqs', 'http_req_duration{status:200}', 'http_req_duration', 'checks', 'http_req_duration{status:500}', 'Custom'];
    expect(keys.sort(compareMetricKeys)).toEqual([
      'checks',
      'Custom',
      'http_req_duration',
      'http_req_duration{status:200}',
      'http_req_duration{status:500}',
      'http_reqs',
    ]);
  });
});
