// The four custom metric kinds, with tags, and thresholds on tagged sub-metrics.
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const orders = new Counter('orders');
const basket = new Gauge('basket_size');
const paid = new Rate('paid');
const wait = new Trend('queue_wait', true);

export const options = {
  vus: 1,
  iterations: 4,
  thresholds: {
    orders: ['count==8'],
    'orders{shop:north}': ['count==4'],
    paid: ['rate==0.5'],
    queue_wait: ['max==400', 'min==100'],
    'queue_wait{shop:south}': ['avg==350'],
  },
};

export default function () {
  const i = __ITER;
  orders.add(1, { shop: 'north' });
  orders.add(1, { shop: 'south' });
  basket.add(i * 10);
  paid.add(i % 2 === 0);
  wait.add((i + 1) * 100, { shop: i < 2 ? 'north' : 'south' });
}
