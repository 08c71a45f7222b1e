// The protocol registry end to end, with a protocol that lives only in the tests (./toy): a script
// imports its module, the bundler resolves it from the registry, the runtime bundle carries its
// sandbox side, the worker's VuHost routes its action to its host side and its event back, and the
// summary, results and progress line read its contributions. Neither ws nor http is registered.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { handlers } from '../../../runtime/protocol.js';
import { bundleScript } from '../../../src/bundle/bundle.js';
import { runtimeCode } from '../../../src/bundle/runtime-code.js';
import { unavailableModuleMessage } from '../../../src/bundle/plugin.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { DEFAULT_NETWORK } from '../../../src/options/network.js';
import { ProtocolRegistry } from '../../../src/protocols/registry.js';
import type { VuPort } from '../../../src/protocols/types.js';
import { buildRunResults } from '../../../src/results/build.js';
import { headline } from '../../../src/run/headline.js';
import { wrapUserCode } from '../../../src/sandbox/code.js';
import { buildSummaryData } from '../../../src/summary/data.js';
import { SummarySections } from '../../../src/summary/sections.js';
import { summaryText } from '../../../src/summary/text.js';
import type { FromWorker } from '../../../src/worker/messages.js';
import { VuHost } from '../../../src/worker/vu-host.js';
import toy, { ToyMetric } from './toy/index.js';
import type { ToyAction } from './toy/messages.js';

const registry = new ProtocolRegistry([toy]);
let dir: string | undefined;
let host: VuHost | undefined;

afterEach(() => {
  host?.receive({ type: 'stop' });
  host = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function bundle(source: string, typecheck = true): Promise<string> {
  dir = mkdtempSync(path.join(tmpdir(), 'wsk-toy-'));
  writeFileSync(path.join(dir, 'script.ts'), source);
  const bundled = await bundleScript('script.ts', { cwd: dir, table: registry.runtimeTable, typecheck });
  return bundled.code;
}

/** A worker's VuHost for the toy registry, with the messages it sends and a way to wait for one. */
async function startHost(code: string) {
  const messages: FromWorker[] = [];
  const waiters: (() => void)[] = [];
  await registry.loadHosts();
  host = new VuHost(
    {
      workerIndex: 0,
      code: { runtime: await runtimeCode(registry.sandboxFiles), user: wrapUserCode(code), userFileName: 'wsk-script.js' },
      isolation: 'compartment',
      limits: { memoryLimitMb: 64, callTimeoutMs: 2000 },
      vusPerIsolate: 10,
      env: {},
      scenarioEnv: {},
      scenarios: [{ name: 'default', exec: 'default', tags: { scenario: 'default' } }],
      scriptDir: dir!,
      recordIterations: true,
      metricsIntervalMs: 10_000,
      network: DEFAULT_NETWORK,
    },
    (message) => {
      messages.push(message);
      for (const wake of waiters.splice(0)) wake();
    },
    registry,
  );
  const next = async <T extends FromWorker>(test: (message: FromWorker) => message is T): Promise<T> => {
    for (;;) {
      const found = messages.find(test);
      if (found !== undefined) {
        messages.splice(messages.indexOf(found), 1);
        return found;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { host, messages, next };
}

const SCRIPT = `
  import { shout, listen } from 'wsk/toy';
  import { check } from 'wsk';
  const heard: string[] = [];
  listen((text) => heard.push(text));
  export default async function () {
    const loud = await shout('hello', { name: 'greeting' });
    check(loud, { 'shouted back': (v) => v === 'HELLO' });
    await shout('again');
    let refused = '';
    try {
      await shout('');
    } catch (error) {
      refused = String(error);
    }
    check(refused, { 'an empty shout is refused': (v) => v.includes('nothing to shout') });
    check(heard, { 'the echoes came back as events': (v) => v.join(',') === 'HELLO,AGAIN' });
  }
`;

describe('a protocol registered in the tests', () => {
  it('runs from script to summary without ws or http', async () => {
    const { next } = await startHost(await bundle(SCRIPT));
    host!.receive({ type: 'createVus', ids: [1] });
    const created = await next((m): m is Extract<FromWorker, { type: 'vusCreated' }> => m.type === 'vusCreated');
    expect(created.error).toBeNull();
    host!.receive({ type: 'run', items: [1, 7, 0, 0] });
    const batch = await next((m): m is Extract<FromWorker, { type: 'batch' }> => m.type === 'batch' && m.ended.length > 0);
    expect(batch.errors).toEqual([]);
    expect(batch.ended).toEqual([1, 7, 0]);
    host!.receive({ type: 'stop' });
    const stopped = await next((m): m is Extract<FromWorker, { type: 'stopped' }> => m.type === 'stopped');
    host = undefined;

    const store = new MetricStore(new MetricRegistry(registry.metrics));
    store.merge(stopped.batch);
    expect(store.snapshot('checks', {}, 1000)?.values(['rate'])).toMatchObject({ passes: 3, fails: 0 });
    expect(store.snapshot(ToyMetric.shouts, {}, 1000)?.value('count')).toBe(2);
    expect(store.snapshot(ToyMetric.shouts, { name: 'greeting' }, 1000)?.value('count')).toBe(1);

    // The outputs read the toy's contributions: its errors by kind, its endpoints, its headline.
    const summary = buildSummaryData({ store, elapsedMs: 1000, thresholds: [], noColor: true, isStdOutTTY: false, isStdErrTTY: false, reports: registry.reports });
    expect(summary.metrics['toy_errors{error:empty}']?.values).toMatchObject({ count: 1 });
    const results = buildRunResults({
      summary,
      store,
      thresholds: [],
      timeSeries: { startMs: 0, bucketMs: 1000, buckets: 0, series: [] },
      options: {},
      script: 'script.ts',
      startMs: 0,
      endMs: 1000,
      exitCode: 0,
      stoppedBy: '',
      endpoints: true,
      reports: registry.reports,
    });
    expect(results.errors).toEqual([{ metric: 'toy_errors', kind: { error: 'empty' }, count: 1 }]);
    expect(results.endpoints?.map(({ metric, name }) => [metric, name])).toEqual([['toy_shouts', 'greeting']]);
    expect(headline(store, 1000, registry.reports)).toBe('checks 100.00% · toy 2/s');
    // Its metrics have a section of their own in the text summary, after the core's.
    const text = summaryText(summary, { mode: 'compact', color: false, sections: new SummarySections(registry.summarySections) });
    expect(text).toMatch(/ {4}EXECUTION\n(.+\n)+\n {4}TOY\n {4}toy_errors\.+: 1 .*\n {6}\{ error:empty \}\.+: 1 .*\n {4}toy_shouts\.+: 2 /);
  });

  it('is what the bundler resolves: its module and k6 alias, and nothing of ws or http', async () => {
    const table = registry.runtimeTable;
    expect(Object.keys(table.blocking)).toEqual(['wsk', 'wsk/metrics', 'wsk/execution', 'wsk/data', 'wsk/encoding', 'wsk/crypto', 'wsk/summary', 'wsk/html', 'wsk/timers', 'wsk/toy']);
    expect(table.aliases['k6/toy']).toBe('wsk/toy');
    expect(unavailableModuleMessage('k6/ws', table)).toMatch(/^module "k6\/ws" is not available in wsk; scripts can import .*k6\/toy, wsk, wsk\/metrics, wsk\/execution, wsk\/data, wsk\/encoding, wsk\/crypto, wsk\/summary, wsk\/html, wsk\/timers, wsk\/toy,/);
    await expect(bundle(`import ws from 'wsk/ws'; export default function () { ws.open('ws://127.0.0.1:9'); }`, false)).rejects.toThrow(/module "wsk\/ws" is not available in wsk/);
  });

  it('type-checks scripts against its declarations', async () => {
    await expect(bundle(`import { shout } from 'wsk/toy'; export default async function () { await shout(42); }`)).rejects.toThrow(
      /Argument of type 'number' is not assignable to parameter of type 'string'/,
    );
  });

  it('refuses a protocol whose module id or metric another one took', () => {
    expect(() => new ProtocolRegistry([toy, { ...toy, name: 'copy', metrics: [] }])).toThrow('protocol copy: module id "wsk/toy" is taken');
    expect(() => new ProtocolRegistry([toy, { ...toy, name: 'copy', modules: [] }])).toThrow('protocol copy: metric "toy_shouts" is taken');
  });

  it('refuses, in the worker, an action kind that the core or another protocol has', async () => {
    const open = () => ({ actions: { sleep: () => {} }, stopVu: () => {}, countTraffic: () => {} });
    const stealers = new ProtocolRegistry([{ ...toy, name: 'stealer', modules: [], metrics: [], host: async () => open }]);
    await stealers.loadHosts();
    expect(() => new VuHost({ code: { user: '' } } as never, () => {}, stealers)).toThrow('protocol stealer: action kind "sleep" is taken');
  });

  it("loads a protocol's host side only when a worker asks, and only for a script that requires its modules", async () => {
    let loads = 0;
    const counted = new ProtocolRegistry([{ ...toy, host: () => (loads++, toy.host()) }]);
    expect(loads).toBe(0);
    expect(() => counted.openHost(counted.protocols[0]!, { record: () => {}, network: () => DEFAULT_NETWORK, scriptCode: '' })).toThrow(
      'protocol toy: its host side is not loaded (ProtocolRegistry.loadHosts())',
    );
    await counted.loadHosts('const http = require("wsk/http");');
    expect([loads, counted.hosted]).toEqual([0, []]);
    await counted.loadHosts('const toy = require("wsk/toy");');
    await counted.loadHosts();
    expect([loads, counted.hosted]).toEqual([1, counted.protocols]);
  });

  it('has a handler for every kind of its actions, or does not compile', () => {
    const table = handlers<ToyAction, [vu: VuPort]>({ toyShout: () => {} });
    expect(Object.keys(table)).toEqual(['toyShout']);
    // @ts-expect-error: a handler table that leaves out a kind of the union is a type error.
    handlers<ToyAction | ['toyWhisper', number], [vu: VuPort]>({ toyShout: () => {} });
  });
});
