// SharedArray from a JSON file and from a CSV file parsed in the function, as k6 users do.
import http from 'k6/http';
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import { Trend } from 'k6/metrics';

const users = new SharedArray('users', function () {
  return JSON.parse(open('./data/users.json'));
});

const products = new SharedArray('products', function () {
  const [header, ...rows] = open('./data/products.csv').trim().split('\n');
  const keys = header.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [keys[i], v])));
});

const price = new Trend('price');

export const options = {
  scenarios: { logins: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } },
};

export default function () {
  const user = users[(__VU - 1) % users.length];
  const res = http.post(`${__ENV.BASE_URL}/login`, { username: user.username, password: user.password });
  check(res, {
    'logged in as the row user': (r) => r.json('user') === user.username,
    'three users': () => users.length === 3,
    'rows are frozen': () => Object.isFrozen(users[0]),
  });
  const product = products[__ITER % products.length];
  price.add(Number(product.price));
}
