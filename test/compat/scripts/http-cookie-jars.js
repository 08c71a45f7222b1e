// The VU's cookie jar (empty at the start of every iteration), a script's own jar passed as
// params.jar, and the jar methods set, cookiesForURL, delete and clear.
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 1, iterations: 3 };

export default function () {
  const base = __ENV.BASE_URL;
  const jar = http.cookieJar();
  check(jar, { 'vu jar empty at iteration start': (j) => Object.keys(j.cookiesForURL(base)).length === 0 });

  http.get(`${base}/cookies/set?session=abc&theme=dark`);
  jar.set(base, 'lang', 'en');
  const echoed = http.get(`${base}/cookies`);
  check(echoed, {
    'server cookies and jar.set cookie sent': (r) => r.json('cookies.session') === 'abc' && r.json('cookies.lang') === 'en',
    'cookiesForURL sees them': () => jar.cookiesForURL(`${base}/`).theme[0] === 'dark',
  });

  jar.delete(base, 'theme');
  check(jar, { 'deleted cookie gone': (j) => j.cookiesForURL(base).theme === undefined && j.cookiesForURL(base).session[0] === 'abc' });

  const own = new http.CookieJar();
  own.set(base, 'visitor', 'guest');
  const mine = http.get(`${base}/cookies`, { jar: own });
  check(mine, { 'own jar used instead of the vu jar': (r) => JSON.stringify(r.json('cookies')) === '{"visitor":"guest"}' });

  jar.clear(base);
  check(jar, { 'cleared': (j) => Object.keys(j.cookiesForURL(base)).length === 0 });
  // Deliberately failing once per iteration: a jar that was cleared sends nothing.
  check(http.get(`${base}/cookies`), { 'cleared jar still sends cookies': (r) => Object.keys(r.json('cookies')).length > 0 });
}
