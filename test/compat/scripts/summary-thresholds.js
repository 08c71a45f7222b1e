// Thresholds on custom metrics and a tagged sub-metric: one holds, two are crossed.
import http from 'k6/http';
import { Trend } from 'k6/metrics';

const render = new Trend('render_time', true);

export const options = {
  iterations: 3,
  thresholds: {
    render_time: ['max<1000', 'avg>500'],
    'http_reqs{page:home}': ['count>=3'],
    http_req_failed: ['rate<0.01'],
  },
};

export default function () {
  http.get(`${__ENV.BASE_URL}/get`, { tags: { page: 'home' } });
  render.add(120);
}
