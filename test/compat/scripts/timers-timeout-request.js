// A request made from a setTimeout callback: the iteration waits for the timer, and for the request.
import http from 'k6/http';
import { check } from 'k6';
import { Trend } from 'k6/metrics';

const waited = new Trend('timer_wait', true);

export const options = {
  vus: 2,
  iterations: 4,
  thresholds: { checks: ['rate==1'] },
};

export default function () {
  const armed = Date.now();
  setTimeout((path) => {
    waited.add(Date.now() - armed);
    const res = http.get(`${__ENV.BASE_URL}${path}`);
    check(res, {
      'status is 200': (r) => r.status === 200,
      'echoes the path': (r) => r.json('url').endsWith('/anything/late'),
    });
  }, 100, '/anything/late');
}
