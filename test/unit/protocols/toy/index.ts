/** The toy protocol's row: a folder of four files, registered by the tests alone. */
import { fileURLToPath } from 'node:url';
import { handlers } from '../../../../runtime/protocol.js';
import { metric, namesOf } from '../../../../src/metrics/builtin.js';
import type { Protocol, VuPort } from '../../../../src/protocols/types.js';
import type { ToyAction } from './messages.js';

const METRICS = { shouts: metric('toy_shouts', 'counter'), errors: metric('toy_errors', 'counter') } as const;
export const ToyMetric = namesOf(METRICS);

const toy: Protocol = {
  name: 'toy',
  modules: [
    {
      id: 'wsk/toy',
      k6: 'k6/toy',
      blocking: { named: ['shout'], defaultMembers: [] },
      declarations: fileURLToPath(new URL('./api.d.ts', import.meta.url)),
    },
  ],
  sandbox: fileURLToPath(new URL('./sandbox.ts', import.meta.url)),
  metrics: Object.values(METRICS),
  host: async () => (context) => ({
    actions: handlers<ToyAction, [vu: VuPort]>({
      toyShout: ([, , op, text, own], vu) => {
        const tags = vu.tags('', own);
        if (text === '') {
          context.record(ToyMetric.errors, 1, { ...tags, error: 'empty' });
          vu.deliver(['reject', op, 'toy.shout(): nothing to shout']);
          return;
        }
        context.record(ToyMetric.shouts, 1, tags);
        vu.deliver(['resolve', op, text.toUpperCase()]);
        vu.deliver(['toyEcho', vu.id, text.toUpperCase()]);
      },
    }),
    stopVu: () => {},
    countTraffic: () => {},
  }),
  report: {
    errorKinds: [{ metric: ToyMetric.errors, tags: ['error'] }],
    endpoints: [ToyMetric.shouts],
    headline: (read) => [`toy ${read.perSecond(read.value(ToyMetric.shouts, 'count'))}`],
    summary: { title: 'TOY', rank: 80 },
  },
};

export default toy;
