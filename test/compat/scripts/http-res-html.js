// res.html() with and without a selector, a form's values, and submitting the form it describes.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, iterations: 2, thresholds: { checks: ['rate==1'] } };

export default function () {
  const base = __ENV.BASE_URL;
  const page = http.get(`${base}/html`);
  const form = page.html('#login');
  check(form, {
    'selector narrows to the form': (f) => f.size() === 1 && f.attr('method') === 'POST',
    'select value': (f) => f.find('select').val() === 'en',
    'checkbox value': (f) => f.find('input[name=remember]').val() === 'on',
    'textarea value': (f) => f.find('textarea').val() === 'hello',
    'serialized like a browser': (f) => f.serialize() === 'csrf=t0k3n&lang=en&note=hello&password=secret&remember=on&username=alice',
  });
  const fields = form.serializeObject();
  const login = http.post(`${base}${form.attr('action')}`, { username: fields.username, password: fields.password });
  check(login, { 'form submitted logs in': (r) => r.status === 200 && r.json('user') === 'alice' });
  check(page.html(), { 'whole page without selector': (doc) => doc.find('form').size() === 1 && doc.find('title').text() === 'wsk target' });
}
