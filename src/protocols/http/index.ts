/** `wsk/http` (alias `k6/http`): HTTP/1.1 requests in k6's shape, timed phase by phase on the host. */
import { protocolFile } from '../files.js';
import type { Protocol } from '../types.js';
import { HTTP_METRICS } from './metrics.js';
import { httpReport } from './report.js';

/** k6/http's calls that wait for a response (asyncRequest is awaited by the script itself). */
const BLOCKING = ['get', 'head', 'post', 'put', 'patch', 'del', 'options', 'request', 'batch'];

const http: Protocol = {
  name: 'http',
  modules: [
    {
      id: 'wsk/http',
      k6: 'k6/http',
      blocking: { named: BLOCKING, defaultMembers: BLOCKING },
      exports: [...BLOCKING, 'asyncRequest', 'url', 'expectedStatuses', 'setResponseCallback', 'cookieJar', 'CookieJar', 'file'],
      declarations: protocolFile(import.meta.url, 'api.d.ts'),
    },
  ],
  sandbox: protocolFile(import.meta.url, 'sandbox.ts'),
  metrics: HTTP_METRICS,
  host: () => import('./host.js').then((host) => host.openHttp),
  report: httpReport,
};

export default http;
