// Two scenarios in parallel: a steady closed-loop load and an open-model arrival rate that starts
// later, each with its own function, tags and environment. Custom metrics and groups included.
import { check, group, sleep, type Options } from 'wsk';
import { Counter, Trend } from 'wsk/metrics';
import exec from 'wsk/execution';

const pages = new Counter('pages_seen');
const thinkTime = new Trend('think_time', true);

export const options: Options = {
  scenarios: {
    browse: {
      executor: 'constant-vus',
      vus: 10,
      duration: '8s',
      exec: 'browse',
      tags: { flow: 'browse' },
    },
    checkout: {
      executor: 'constant-arrival-rate',
      rate: 20,
      timeUnit: '1s',
      duration: '5s',
      preAllocatedVUs: 5,
      maxVUs: 20,
      startTime: '2s',
      exec: 'checkout',
      env: { CART: 'large' },
    },
  },
  thresholds: {
    'iteration_duration{scenario:checkout}': ['p(95)<1000'],
    dropped_iterations: ['count<10'],
    checks: ['rate==1'],
  },
};

export async function browse() {
  await group('home', async () => {
    pages.add(1);
    const pause = 0.05 + Math.random() * 0.05;
    thinkTime.add(pause * 1000);
    await sleep(pause);
  });
}

export async function checkout() {
  await group('cart', async () => {
    check(__ENV.CART, { 'cart env is set': (cart) => cart === 'large' });
    check(exec.scenario.name, { 'runs in checkout': (name) => name === 'checkout' });
    await sleep(0.05);
  });
}
