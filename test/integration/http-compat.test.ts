/**
 * k6/http's forms, files, cookie jars and k6/html, through `wsk run` against the built-in target.
 * The scripts print what they saw as JSON lines; the tests compare them whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget } from '../../src/serve/index.js';
import type { RunningTarget } from '../../src/serve/types.js';
import { runScript } from './harness.js';

let target: RunningTarget;
let api = '';

beforeAll(async () => {
  target = await startTarget('echo');
  api = target.url.replace(/^ws/, 'http').replace(/\/$/, '');
});
afterAll(() => target.close());

/** The values the script logged with `report(...)`, in order. */
function reports(stderr: string): unknown[] {
  return [...stderr.matchAll(/REPORT (.*)/g)].map((match) => JSON.parse(match[1]!) as unknown);
}

const REPORT = `const report = (value) => console.log('REPORT ' + JSON.stringify(value));`;

describe('k6/http forms and files', () => {
  it('sends arrays as repeated fields, and an object with http.file() as multipart/form-data', async () => {
    const { code, stderr } = await runScript(
      `import http from 'k6/http';
       ${REPORT}
       export const options = { iterations: 1 };
       export default function () {
         const form = http.post(__ENV.API + '/anything', { tag: ['a', 'b'], n: 1, empty: null });
         report([form.json('body'), form.json('form'), form.request.headers['Content-Type']]);
         const upload = http.post(__ENV.API + '/anything', {
           title: 'notes',
           text: http.file('hello, file', 'notes.txt', 'text/plain'),
           bytes: http.file(new Uint8Array([104, 105]).buffer),
         });
         const type = upload.request.headers['Content-Type'];
         report([upload.status, upload.json('form'), upload.json('files'), /^multipart\\/form-data; boundary=[0-9a-f]{60}$/.test(type)]);
         const file = http.file('x');
         report([file.filename.length > 0, file.content_type, file.data]);
       }`,
      ['-e', `API=${api}`],
    );
    expect(code).toBe(0);
    expect(reports(stderr)).toEqual([
      ['empty=&n=1&tag=a&tag=b', { empty: '', n: '1', tag: ['a', 'b'] }, 'application/x-www-form-urlencoded'],
      [200, { title: 'notes' }, { text: 'hello, file', bytes: 'hi' }, true],
      [true, 'application/octet-stream', 'x'],
    ]);
  });

  it('names a bad file or body in one line', async () => {
    const file = await runScript(`import http from 'k6/http';\nexport default function () { http.file({ not: 'data' }); }\nexport const options = { iterations: 1 };\n`);
    expect(file.stderr).toContain('http.file(): data must be a string, an ArrayBuffer or a typed array, got an object');
    const bare = await runScript(`import http from 'k6/http';\nexport default function () { http.post('http://127.0.0.1:1/', http.file('x')); }\nexport const options = { iterations: 1 };\n`);
    expect(bare.stderr).toContain('http: body must be a string, bytes or an object of form fields, got an http.file() (put it in an object: { file: http.file(...) })');
  });
});

describe('k6/http cookie jars', () => {
  it("reads the VU's jar synchronously, keeps a script's own jar apart, and stores a response's cookies in the jar its request named", async () => {
    const { code, stderr } = await runScript(
      `import http from 'k6/http';
       ${REPORT}
       export const options = { iterations: 2 };
       export default function () {
         const jar = http.cookieJar();
         report(jar.cookiesForURL(__ENV.API + '/'));
         http.get(__ENV.API + '/cookies/set?a=1&b=2');
         jar.set(__ENV.API + '/', 'c', '3');
         report([jar.cookiesForURL(__ENV.API + '/'), http.get(__ENV.API + '/cookies').json('cookies')]);
         jar.delete(__ENV.API + '/', 'a');
         report(jar.cookiesForURL(__ENV.API + '/'));
         const own = new http.CookieJar();
         own.set(__ENV.API + '/', 'mine', 'x', { path: '/' });
         report([http.get(__ENV.API + '/cookies', { jar: own }).json('cookies'), Object.keys(jar.cookiesForURL(__ENV.API + '/'))]);
         own.clear(__ENV.API + '/');
         report(own.cookiesForURL(__ENV.API + '/'));
         const other = new http.CookieJar();
         report(http.get(__ENV.API + '/cookies/set?late=1', { jar: other }).json('cookies'));
         report([other.cookiesForURL(__ENV.API + '/'), 'late' in jar.cookiesForURL(__ENV.API + '/')]);
       }`,
      ['-e', `API=${api}`],
    );
    expect(code).toBe(0);
    const iteration = [
      {},
      [{ a: ['1'], b: ['2'], c: ['3'] }, { a: '1', b: '2', c: '3' }],
      { b: ['2'], c: ['3'] },
      [{ mine: 'x' }, ['b', 'c']],
      {},
      {},
      [{ late: ['1'] }, false],
    ];
    // The VU's jar starts empty in the second iteration too.
    expect(reports(stderr)).toEqual([...iteration, ...iteration]);
  });

  it('refuses a params.jar that is no jar, a bad URL and the VU jar in init code, each in one line', async () => {
    const badJar = await runScript(`import http from 'k6/http';\nexport const options = { iterations: 1 };\nexport default function () { http.get('http://127.0.0.1:1/', { jar: {} }); }\n`);
    expect(badJar.stderr).toContain('http: params.jar must be made by new http.CookieJar() or http.cookieJar(), got an object');
    const badUrl = await runScript(`import http from 'k6/http';\nexport const options = { iterations: 1 };\nexport default function () { new http.CookieJar().set('example.com', 'a', '1'); }\n`);
    expect(badUrl.stderr).toContain('CookieJar.set(): invalid URL "example.com"; use an absolute URL such as "https://example.com/"');
    const inInit = await runScript(`import http from 'k6/http';\nconst jar = http.cookieJar();\nexport default function () {}\n`);
    expect(inInit.code).toBe(107);
    expect(inInit.stderr).toContain('http.cookieJar() is not available in init code');
  });
});

describe('k6/html', () => {
  it('parses the target page with res.html() and parseHTML(): find, traversal, attributes, data, values and forms', async () => {
    const { code, stderr } = await runScript(
      `import http from 'k6/http';
       import { parseHTML } from 'k6/html';
       ${REPORT}
       export const options = { iterations: 1 };
       export default function () {
         const res = http.get(__ENV.API + '/html');
         const doc = res.html();
         report([doc.find('title').text(), res.html('a.nav').size(), doc.find('a.nav').map((i, a) => a.attr('href'))]);
         const names = [];
         doc.find('#items tbody tr').each((i, row) => names.push([i, row.nodeName, row.getAttribute('data-id'), row.querySelector('td.name').textContent]));
         report(names);
         const login = doc.find('#login');
         report([login.attr('action'), login.attr('missing'), login.attr('missing', 'fallback'), login.serialize(), login.serializeObject()]);
         report([doc.find('select').val(), doc.find('textarea').val(), doc.find('input[name=remember]').val(), doc.find('a.external').data(), doc.find('tr').eq(1).data('id')]);
         const page = parseHTML('<div id="d"><p class="x">one</p><p>two</p><span>three</span></div>');
         const p = page.find('p');
         report([
           p.first().next().text(), p.last().prev().text(), p.siblings('span').text(), p.closest('div').attr('id'),
           page.find('span').prevAll().size(), p.filter((i) => i === 1).text(), p.is('.x'), p.not('.x').text(),
           p.get(0).className, p.get(-1).textContent, p.get(5), page.find('div').children().size(), page.find('#d').html(),
           page.find('#nothing').html(), p.toArray().map((s) => s.text()), page.find('div').has('span').size(),
         ]);
       }`,
      ['-e', `API=${api}`],
    );
    expect(code).toBe(0);
    expect(reports(stderr)).toEqual([
      ['wsk target', 3, ['/items', '/get', '/health']],
      [
        [0, 'tr', '1', 'apple'],
        [1, 'tr', '2', 'banana'],
        [2, 'tr', '3', 'cherry'],
      ],
      [
        '/login',
        null,
        'fallback',
        'csrf=t0k3n&lang=en&note=hello&password=secret&remember=on&username=alice',
        { username: 'alice', password: 'secret', csrf: 't0k3n', remember: 'on', lang: 'en', note: 'hello' },
      ],
      ['en', 'hello', 'on', { kind: 'probe' }, 1],
      ['two', 'one', 'three', 'd', 2, 'two', true, 'two', 'x', 'two', null, 3, '<p class="x">one</p><p>two</p><span>three</span>', null, ['one', 'two'], 1],
    ]);
  });

  it('refuses html() of a body that is not text, in one line', async () => {
    const { stderr } = await runScript(
      `import http from 'k6/http';\nexport const options = { iterations: 1 };\nexport default function () { http.get(__ENV.API + '/html', { responseType: 'none' }).html(); }\n`,
      ['-e', `API=${api}`],
    );
    expect(stderr).toMatch(/html\(\): the response of GET http:\/\/127\.0\.0\.1:\d+\/html has no text body \(responseType or error\)/);
  });
});
