// parseHTML() of the target's /html page: find, each, map, attr, data, traversal and Elements.
import http from 'k6/http';
import { parseHTML } from 'k6/html';
import { check, group } from 'k6';
import { Trend } from 'k6/metrics';

const rows = new Trend('table_rows');

export const options = { iterations: 2, thresholds: { checks: ['rate==1'], table_rows: ['max==3'] } };

export default function () {
  const res = http.get(`${__ENV.BASE_URL}/html`);
  const doc = parseHTML(res.body);
  group('page', () => {
    check(doc, {
      'title': (d) => d.find('head title').text() === 'wsk target',
      'h1 classes': (d) => d.find('h1').get(0).classList.join(' ') === 'title main',
      'three nav links': (d) => d.find('a.nav').size() === 3,
      'hrefs in order': (d) => d.find('a.nav').map((i, a) => a.attr('href')).join(',') === '/items,/get,/health',
      'data attribute': (d) => d.find('a.external').data('kind') === 'probe',
      'missing attribute is undefined': (d) => d.find('h1').attr('nope') === undefined,
    });
  });
  group('table', () => {
    const names = [];
    doc.find('#items tbody tr').each((i, tr) => names.push(tr.querySelector('td.name').textContent));
    rows.add(names.length);
    const second = doc.find('tr[data-id="2"]');
    check(doc, {
      'row names': () => names.join(',') === 'apple,banana,cherry',
      'siblings and closest': () => second.siblings().size() === 2 && second.closest('table').attr('id') === 'items',
      'next and prev': () => second.next().data('id') === 3 && second.prev().data('id') === 1,
    });
  });
}
