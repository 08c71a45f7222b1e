// VuHost with a scripted sandbox and virtual time: what crosses into the realms, when, and what the
// worker reports back. Every time below is exact: nothing waits on a real timer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handlers, type SandboxEvent } from '../../../runtime/protocol.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { MetricStore } from '../../../src/metrics/store.js';
import { DEFAULT_NETWORK } from '../../../src/options/network.js';
import { ProtocolRegistry } from '../../../src/protocols/registry.js';
import type { Protocol, VuPort } from '../../../src/protocols/types.js';
import { CrossingError } from '../../../src/sandbox/isolate.js';
import { FLUSH_CHUNK } from '../../../src/worker/crossing.js';
import type { FromWorker, WorkerError, WorkerSetup } from '../../../src/worker/messages.js';
import { VuHost } from '../../../src/worker/vu-host.js';
import { DEFAULT_SLEEP_MS, FakeEnvironment, type FakeRealm, type Program } from './fakes.js';

const METRICS_INTERVAL_MS = 1000;
const SETUP: WorkerSetup = {
  workerIndex: 0,
  code: { runtime: '', user: '', userFileName: 'wsk-script.js' },
  isolation: 'compartment',
  limits: { memoryLimitMb: 64, callTimeoutMs: 1000 },
  vusPerIsolate: 10,
  env: {},
  scenarioEnv: {},
  scenarios: [{ name: 'default', exec: 'default', tags: { scenario: 'default' } }],
  scriptDir: tmpdir(),
  recordIterations: true,
  metricsIntervalMs: METRICS_INTERVAL_MS,
  network: DEFAULT_NETWORK,
};

/** What the probe protocol's host side in one VuHost noted: which VUs it stopped, how often it counted and closed. */
interface ProbeNotes {
  readonly stopped: number[];
  counted: number;
  closed: number;
}

/** The notes of the host side opened last: each start() opens one. */
let opened: ProbeNotes | undefined;

/** A protocol of the tests: its action `probe` delivers a `probed` event. */
const PROBE: Protocol = {
  name: 'probe',
  modules: [],
  sandbox: '',
  metrics: [],
  host: async () => () => {
    const notes: ProbeNotes = (opened = { stopped: [], counted: 0, closed: 0 });
    return {
      actions: handlers<['probe', number, string], [vu: VuPort]>({
        probe: ([, , text], vu) => vu.deliver(['probed', vu.id, text]),
      }),
      // As a socket does, a stopped VU's connection reports its end.
      stopVu: (vu) => {
        notes.stopped.push(vu.id);
        vu.deliver(['probed', vu.id, 'closed']);
      },
      countTraffic: () => {
        notes.counted++;
      },
      close: () => {
        notes.closed++;
      },
    };
  },
};
const registry = new ProtocolRegistry([PROBE]);
beforeAll(() => registry.loadHosts());

let host: VuHost | undefined;
afterEach(() => {
  host?.receive({ type: 'stop' });
  host = undefined;
});

function start(program: Program = {}, setup: Partial<WorkerSetup> = {}) {
  const env = new FakeEnvironment();
  env.sandbox.program = program;
  const messages: FromWorker[] = [];
  host = new VuHost({ ...SETUP, ...setup }, (message) => messages.push(message), registry, env);
  const notes = opened!;
  const probe = { stopped: notes.stopped, counted: () => notes.counted, closed: () => notes.closed };
  const of = <T extends FromWorker['type']>(type: T) => messages.filter((m): m is Extract<FromWorker, { type: T }> => m.type === type);
  const batches = () => of('batch');
  return {
    host,
    env,
    sandbox: env.sandbox,
    probe,
    messages,
    of,
    ended: () => batches().flatMap((b) => b.ended),
    loopsEnded: () => batches().flatMap((b) => b.loopsEnded),
    loopIterations: () => batches().flatMap((b) => b.loopIterations),
    errors: (): WorkerError[] => batches().flatMap((b) => b.errors),
    /** The samples shipped so far, merged as the coordinator does. */
    store: () => {
      const store = new MetricStore(new MetricRegistry(registry.metrics));
      for (const message of messages) if (message.type === 'metrics' || message.type === 'stopped') store.merge(message.batch);
      return store;
    },
  };
}

const realm = (env: FakeEnvironment, isolate = 0, index = 0): FakeRealm => env.sandbox.isolates[isolate]!.realms[index]!;
const kinds = (events: readonly SandboxEvent[]) => events.map((event) => event[0]);

describe('VuHost: iterations', () => {
  it('crosses an iteration in, arms its sleep on the timers, and reports its end with the virtual time it took', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1] });
    expect(t.of('vusCreated')).toEqual([{ type: 'vusCreated', count: 1, error: null, exports: { functions: ['default'], options: '' } }]);
    expect(realm(t.env).vus).toEqual([1]);

    t.env.advance(40);
    t.host.receive({ type: 'run', items: [1, 7, 0, 3] });
    expect(t.sandbox.crossingsWith('iterate')).toEqual([]); // not before the next turn
    t.env.turn();
    expect(t.sandbox.crossingsWith('iterate')).toEqual([[['iterate', 1, 7, 'default', 3, 'default', 0]]]);
    expect(t.env.pendingTimeouts).toBe(1);

    t.env.advance(DEFAULT_SLEEP_MS - 1);
    expect(t.sandbox.crossingsWith('resolve')).toEqual([]);
    expect(t.ended()).toEqual([]);
    t.env.advance(1);
    expect(t.sandbox.crossingsWith('resolve')).toEqual([[['resolve', 1, undefined]]]);
    expect(t.ended()).toEqual([1, 7, 0]);
    expect(t.env.pendingTimeouts).toBe(0);

    t.env.advance(METRICS_INTERVAL_MS);
    const store = t.store();
    expect(store.snapshot('iteration_duration', { scenario: 'default' }, 1000)?.values(['min', 'max'])).toEqual({ min: DEFAULT_SLEEP_MS, max: DEFAULT_SLEEP_MS });
    expect(store.snapshot('iterations', { scenario: 'default' }, 1000)?.value('count')).toBe(1);
  });

  it('fails an iteration of a VU it does not host, without crossing', () => {
    const t = start();
    t.host.receive({ type: 'run', items: [9, 7, 0, 0] });
    t.env.turn();
    expect(t.ended()).toEqual([9, 7, 1]);
    expect(t.sandbox.crossings).toEqual([]);
  });

  it('runs a loop back to back until its max, with its own tokens and iteration numbers', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'loop', items: [1, 50, 0, 10, 3, t.env.epochOrigin + 1e9] });
    t.env.advance(3 * DEFAULT_SLEEP_MS - 1);
    expect(t.loopsEnded()).toEqual([]);
    t.env.advance(1);
    expect(t.loopsEnded()).toEqual([1, 50, 3, 0, 0]);
    expect(t.sandbox.crossingsWith('iterate').flat()).toEqual([
      // The loop's iterations may chain (the fake realm never does): how many more, and until when on the worker's clock.
      ['iterate', 1, -1, 'default', 10, 'default', 0, 2, 1e9],
      ['iterate', 1, -2, 'default', 11, 'default', 0, 1, 1e9],
      ['iterate', 1, -3, 'default', 12, 'default', 0],
    ]);
    // Loop iterations are not ended one by one: they are counted (scenario, status, count).
    expect(t.ended()).toEqual([]);
    expect(t.loopIterations()).toEqual([0, 0, 3]);
    t.env.advance(METRICS_INTERVAL_MS);
    expect(t.store().snapshot('iterations', {}, 1000)?.value('count')).toBe(3);
  });

  it('ends a loop at its end time, read from the epoch', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1] });
    // Iterations start at 0, 250 and 500 ms; at 750 the end time (600) has passed.
    t.host.receive({ type: 'loop', items: [1, 51, 0, 0, 100, t.env.epochOrigin + 600] });
    t.env.advance(749);
    expect(t.loopsEnded()).toEqual([]);
    t.env.advance(1);
    expect(t.loopsEnded()).toEqual([1, 51, 3, 0, 0]);
    expect(t.sandbox.crossingsWith('iterate')).toHaveLength(3);
  });

  it('interrupts a running iteration: its timers are cleared and the realm forgets its ops', () => {
    const t = start({ iterate: ([, vu, token], r) => [r.sleep(vu, token, 1000), r.sleep(vu, token, 5000)] });
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'run', items: [1, 7, 0, 0] });
    t.env.advance(500);
    expect(t.env.pendingTimeouts).toBe(2);
    t.host.receive({ type: 'interrupt', items: [1, 7] });
    expect(t.env.pendingTimeouts).toBe(0);
    t.env.turn();
    expect(t.ended()).toEqual([1, 7, 2]);
    expect(t.sandbox.crossingsWith('forget')).toEqual([[['forget', [1, 2]]]]);
    t.env.advance(10_000);
    expect(t.sandbox.crossingsWith('resolve')).toEqual([]);
  });

  it('interrupts a loop: its running iteration counts as interrupted and no other starts', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'loop', items: [1, 52, 0, 0, 100, t.env.epochOrigin + 1e9] });
    t.env.advance(DEFAULT_SLEEP_MS + 10);
    t.host.receive({ type: 'interrupt', items: [1, 52] });
    t.env.advance(10_000);
    expect(t.loopsEnded()).toEqual([1, 52, 1, 0, 1]);
    expect(t.sandbox.crossingsWith('iterate')).toHaveLength(2);
  });
});

describe('VuHost: loops the realm chains', () => {
  it('takes on the iterations a realm chains: one iterate crosses, and each iteration counts with its own duration', () => {
    const t = start({ chains: true });
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'loop', items: [1, 60, 0, 10, 3, t.env.epochOrigin + 1e9] });
    t.env.advance(3 * DEFAULT_SLEEP_MS);
    expect(t.loopsEnded()).toEqual([1, 60, 3, 0, 0]);
    expect(t.sandbox.crossingsWith('iterate').flat()).toEqual([['iterate', 1, -1, 'default', 10, 'default', 0, 2, 1e9]]);
    const chained = t.sandbox.isolates[0]!.realms[0]!.chained;
    expect(chained.map((event) => [event[2], event[4], event[7]])).toEqual([
      [-2, 11, 1],
      [-3, 12, 0],
    ]);
    expect(t.loopIterations()).toEqual([0, 0, 3]);
    t.env.advance(METRICS_INTERVAL_MS);
    const store = t.store();
    expect(store.snapshot('iterations', {}, 1000)?.value('count')).toBe(3);
    expect(store.snapshot('iteration_duration', { scenario: 'default' }, 1000)?.values(['min', 'max'])).toEqual({ min: DEFAULT_SLEEP_MS, max: DEFAULT_SLEEP_MS });
  });

  it('starts the next iteration itself once the loop is past its end time, which ends the loop', () => {
    const t = start({ chains: true });
    t.host.receive({ type: 'createVus', ids: [1] });
    // Iterations start at 0, 250 and 500 ms; the one ending at 750 is past the end time (600) and does not chain.
    t.host.receive({ type: 'loop', items: [1, 61, 0, 0, 100, t.env.epochOrigin + 600] });
    t.env.advance(750);
    expect(t.loopsEnded()).toEqual([1, 61, 3, 0, 0]);
    expect(t.sandbox.crossingsWith('iterate')).toHaveLength(1);
    expect(t.sandbox.isolates[0]!.realms[0]!.chained).toHaveLength(2);
  });

  it('unchains an interrupted loop ahead of what its realm had queued, so no iteration starts after the interrupt', () => {
    const t = start({ chains: true });
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'loop', items: [1, 62, 0, 0, 100, t.env.epochOrigin + 1e9] });
    t.env.advance(DEFAULT_SLEEP_MS);
    const realm = t.sandbox.isolates[0]!.realms[0]!;
    expect(realm.chained).toHaveLength(1);
    // The chained iteration's sleep fires: its resolve waits for the next turn, when the interrupt has come.
    t.env.fire(DEFAULT_SLEEP_MS);
    t.host.receive({ type: 'interrupt', items: [1, 62] });
    t.env.turn();
    const last = t.sandbox.crossings.at(-1)!.events;
    expect(last[0]).toEqual(['unchain', 1]);
    expect(last.map((event) => event[0])).toContain('resolve');
    expect(realm.chained).toHaveLength(1);
    t.env.advance(10_000);
    expect(t.loopsEnded()).toEqual([1, 62, 1, 0, 1]);
    expect(t.sandbox.crossingsWith('iterate')).toHaveLength(1);
  });
});

describe('VuHost: stopped crossings', () => {
  it('fails only the iterations in a crossing that timed out, blames the VU that ran, and keeps the realm', () => {
    let runaway = true;
    const t = start({
      crossing: (events) => {
        if (runaway && events.some((event) => event[0] === 'iterate' && event[1] === 2)) throw new CrossingError('timeout', 'at spin (script.ts:3)', 2);
      },
    });
    t.host.receive({ type: 'createVus', ids: [1, 2, 3] });
    t.host.receive({ type: 'run', items: [3, 6, 0, 0] });
    t.env.advance(100);
    t.host.receive({ type: 'run', items: [1, 7, 0, 0, 2, 8, 0, 0] });
    t.env.turn();
    expect(t.errors()).toEqual([
      { vu: 2, kind: 'timeout', error: { message: 'Script execution timed out', stack: 'at spin (script.ts:3)' } },
      { vu: 1, kind: 'abandoned', error: { message: 'stopped with VU 2', stack: '' } },
    ]);
    expect(t.ended()).toEqual([1, 7, 1, 2, 8, 1]);
    // VU 3's iteration was in an earlier crossing: it goes on, in the same realm.
    t.env.advance(DEFAULT_SLEEP_MS);
    expect(t.ended()).toEqual([1, 7, 1, 2, 8, 1, 3, 6, 0]);
    runaway = false;
    t.host.receive({ type: 'run', items: [2, 9, 0, 0] });
    t.env.advance(DEFAULT_SLEEP_MS);
    expect(t.ended().slice(-3)).toEqual([2, 9, 0]);
    expect(t.sandbox.isolates).toHaveLength(1);
    expect(t.sandbox.isolates[0]!.realms).toHaveLength(1);
    expect(t.sandbox.isolates[0]!.disposed).toBe(false);
    // Both failed iterations still ran: they count.
    t.env.advance(METRICS_INTERVAL_MS);
    expect(t.store().snapshot('iterations', {}, 1000)?.value('count')).toBe(4);
  });

  it('moves the VUs of an isolate that died of memory to a new one, then carries one VU per crossing to find the culprit', () => {
    let deaths = 0;
    const t = start({
      crossing: (events, r) => {
        const vus = new Set(events.map((event) => r.vuOf(event)));
        // VU 2 keeps what it allocates; VU 1 hardly allocates.
        if (vus.has(2)) r.isolate.heap += 1000;
        if (vus.has(1)) r.isolate.heap += 10;
        const first = deaths === 0 && events.some((event) => event[0] === 'iterate' && event[1] === 2);
        const second = deaths === 1 && events.some((event) => event[0] === 'resolve' && r.vuOf(event) === 1);
        if (!first && !second) return;
        deaths++;
        r.die();
        // The VU whose code ran last is the one whose crossing died.
        throw new CrossingError('disposed', '', first ? 2 : 1);
      },
    });
    t.host.receive({ type: 'createVus', ids: [1, 2, 3] });
    t.host.receive({ type: 'setupData', json: '{"token":"abc"}' });
    t.host.receive({ type: 'run', items: [1, 7, 0, 0, 2, 8, 0, 0] });
    t.env.turn();

    // A crossing shared by VUs 1 and 2: VU 2 ran last, but it cannot be sure.
    expect(t.errors()).toEqual([
      {
        vu: 2,
        kind: 'memory',
        error: {
          message:
            "its isolate's heap reached the limit of 64 MB (--memory-limit); VU 2 ran last in a crossing shared by VUs 1, 2, so it may not be the one holding the memory: from now on that isolate's crossings carry one VU each, so a repeat names it for certain",
          stack: '',
        },
      },
      { vu: 1, kind: 'abandoned', error: { message: 'stopped with VU 2', stack: '' } },
    ]);
    expect(t.ended()).toEqual([1, 7, 1, 2, 8, 1]);
    expect(t.sandbox.isolates).toHaveLength(2);
    expect(t.sandbox.isolates[0]!.disposed).toBe(true);
    // Every VU of the dead isolate, idle VU 3 too: init ran again in the new realm, the setup data
    // was sent again, and the protocols let go of what they held for them.
    const rebuilt = realm(t.env, 1);
    expect(rebuilt.vus).toEqual([1, 2, 3]);
    expect(rebuilt.events).toContainEqual(['setupData', '{"token":"abc"}']);
    expect(t.probe.stopped).toEqual([1, 2, 3]);

    // From now on a crossing carries one VU's events.
    const before = t.sandbox.crossings.length;
    t.host.receive({ type: 'run', items: [1, 9, 0, 0, 2, 10, 0, 0] });
    t.env.turn();
    expect(t.sandbox.crossings.slice(before).map(({ events }) => events)).toEqual([[['iterate', 1, 9, 'default', 0, 'default', 0]], [['iterate', 2, 10, 'default', 0, 'default', 0]]]);

    // VU 1's crossing dies this time, but VU 2's crossings grew the heap most: it is named, for certain.
    t.env.advance(DEFAULT_SLEEP_MS);
    expect(t.errors().slice(2)).toEqual([
      { vu: 2, kind: 'memory', error: { message: "its isolate's heap reached the limit of 64 MB (--memory-limit)", stack: '' } },
      { vu: 1, kind: 'abandoned', error: { message: 'stopped with VU 2', stack: '' } },
    ]);
    expect(t.ended().slice(6)).toEqual([1, 9, 1, 2, 10, 1]);
    expect(t.sandbox.isolates).toHaveLength(3);
    expect(t.probe.stopped).toEqual([1, 2, 3, 1, 2, 3]);
    // The VUs go on in the third isolate.
    t.host.receive({ type: 'run', items: [3, 11, 0, 0] });
    t.env.advance(DEFAULT_SLEEP_MS);
    expect(t.ended().slice(-3)).toEqual([3, 11, 0]);
    expect(realm(t.env, 2).events).toContainEqual(['iterate', 3, 11, 'default', 0, 'default', 0]);
  });

  it('fails the iterations of a crossing that failed on its own, and goes on', () => {
    let fail = true;
    const t = start({
      crossing: () => {
        if (fail) throw new TypeError('cannot copy');
      },
    });
    t.host.receive({ type: 'createVus', ids: [1] });
    // Creating the VU crossed once (with nothing) and failed: no iteration was running.
    expect(t.errors()).toEqual([{ vu: 0, kind: 'internal', error: { message: 'internal error in wsk while crossing into the sandbox (please report it): cannot copy', stack: expect.any(String) } }]);
    t.host.receive({ type: 'run', items: [1, 7, 0, 0] });
    t.env.turn();
    expect(t.ended()).toEqual([1, 7, 1]);
    expect(t.errors()[1]).toMatchObject({ vu: 1, kind: 'internal' });
    fail = false;
    t.host.receive({ type: 'run', items: [1, 8, 0, 0] });
    t.env.advance(DEFAULT_SLEEP_MS);
    expect(t.ended()).toEqual([1, 7, 1, 1, 8, 0]);
  });
});

describe('VuHost: crossings and placements', () => {
  it(`delivers at most ${FLUSH_CHUNK} events per crossing; the ends of the first chunk go out before the rest crosses`, () => {
    const ids = Array.from({ length: 600 }, (_, i) => i + 1);
    const t = start({ iterate: ([, vu, token]) => [['end', vu, token, null, '']] }, { vusPerIsolate: 1000 });
    t.host.receive({ type: 'createVus', ids });
    // VUs are created 250 per turn.
    expect(t.of('vusCreated')).toEqual([]);
    t.env.turn();
    expect(t.of('vusCreated')).toMatchObject([{ count: 600, error: null }]);
    const sent = t.messages.length;
    t.host.receive({ type: 'run', items: ids.flatMap((id) => [id, id, 0, 0]) });
    t.env.turn();
    expect(t.sandbox.crossingsWith('iterate').map((events) => events.length)).toEqual([FLUSH_CHUNK, 600 - FLUSH_CHUNK]);
    const batches = t.messages.slice(sent).filter((m) => m.type === 'batch');
    expect(batches.map((b) => b.ended.length / 3)).toEqual([FLUSH_CHUNK, 600 - FLUSH_CHUNK]);
  });

  it('fills a realm up to vusPerIsolate with compartment isolation, and an isolate with as many realms with context isolation', () => {
    const compartment = start({}, { vusPerIsolate: 2 });
    compartment.host.receive({ type: 'createVus', ids: [1, 2, 3] });
    expect(compartment.sandbox.isolates.map((isolate) => isolate.realms.map((r) => [r.vus, r.config.lockdown]))).toEqual([[[[1, 2], true]], [[[3], true]]]);
    compartment.host.receive({ type: 'stop' });

    const context = start({}, { vusPerIsolate: 2, isolation: 'context' });
    context.host.receive({ type: 'createVus', ids: [1, 2, 3] });
    expect(context.sandbox.isolates.map((isolate) => isolate.realms.map((r) => [r.vus, r.config.lockdown]))).toEqual([
      [
        [[1], false],
        [[2], false],
      ],
      [[[3], false]],
    ]);
  });

  it("routes a protocol's action to its host side, whose events reach the VU's realm; an unknown kind is an internal error", () => {
    const t = start({
      iterate: ([, vu, token]) => [['probe', vu, 'hi'], ['nope', vu], ['end', vu, token, null, '']],
    });
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'run', items: [1, 7, 0, 0] });
    t.env.turn();
    expect(t.sandbox.crossingsWith('probed')).toEqual([[['probed', 1, 'hi']]]);
    expect(t.errors()).toEqual([{ vu: 1, kind: 'internal', error: { message: 'no protocol handles the sandbox action "nope"', stack: '' } }]);
  });

  it('reports logs, callback errors, custom metrics once and their samples with the scenario and group tags', () => {
    const t = start({
      iterate: ([, vu, token]) => [
        ['define', 'latency', 'trend', true],
        ['define', 'latency', 'trend', true],
        ['define', 'latency', 'counter', false],
        ['metric', vu, 'latency', 12, '::login', { page: 'home' }],
        ['metric', vu, 'undefined_metric', 1, '', null],
        ['log', vu, 'warn', 'slow'],
        ['error', vu, { message: 'boom', stack: '' }, "socket 'message' handler"],
        ['end', vu, token, null, ''],
      ],
    });
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'run', items: [1, 7, 0, 0] });
    t.env.turn();
    const [batch] = t.of('batch');
    expect(batch?.defined).toEqual([{ name: 'latency', type: 'trend', contains: 'time' }]);
    expect(batch?.logs).toEqual([{ vu: 1, level: 'warn', text: 'slow' }]);
    expect(batch?.errors).toEqual([
      { vu: 0, kind: 'iteration', error: { message: expect.stringContaining('is already a trend; cannot redefine it as a counter'), stack: '' } },
      { vu: 1, kind: 'callback', error: { message: 'boom', stack: '' }, where: "socket 'message' handler" },
    ]);
    t.env.advance(METRICS_INTERVAL_MS);
    expect(t.store().snapshot('latency', { scenario: 'default', group: '::login', page: 'home' }, 1000)?.value('max')).toBe(12);
  });
});

describe('VuHost: reporting', () => {
  it('ships metrics and loop counts every interval, counting the protocols’ traffic first', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1] });
    t.host.receive({ type: 'loop', items: [1, 60, 0, 0, 1000, t.env.epochOrigin + 1e9] });
    t.env.advance(METRICS_INTERVAL_MS - 1);
    expect(t.of('metrics')).toEqual([]);
    expect(t.probe.counted()).toBe(0);
    t.env.advance(1);
    expect(t.probe.counted()).toBe(1);
    expect(t.messages.at(-1)?.type).toBe('metrics');
    expect(t.messages.at(-2)).toMatchObject({ type: 'batch', loopIterations: [0, 0, 3] });
    expect(t.store().snapshot('iterations', {}, 1000)?.value('count')).toBe(3);
    t.env.advance(METRICS_INTERVAL_MS);
    expect(t.of('metrics')).toHaveLength(2);
    expect(t.loopIterations()).toEqual([0, 0, 3, 0, 0, 4]);
  });

  it('stops: the protocols let go of every VU, the rest ships, "stopped" is the last message and the isolates go', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1, 2] });
    t.host.receive({ type: 'loop', items: [1, 60, 0, 0, 1000, t.env.epochOrigin + 1e9] });
    t.env.advance(DEFAULT_SLEEP_MS + 10);
    t.host.receive({ type: 'run', items: [2, 7, 0, 0] });
    t.env.turn();
    expect(t.env.pendingTimeouts).toBe(2);
    t.host.receive({ type: 'stop' });
    expect(t.probe.stopped).toEqual([1, 2]);
    expect(t.probe.counted()).toBe(1);
    expect(t.messages.at(-1)?.type).toBe('stopped');
    // The iterations running are dropped, not reported; the loop's counts go out.
    expect(t.messages.at(-2)).toMatchObject({ type: 'batch', ended: [], loopsEnded: [], loopIterations: [0, 0, 1] });
    expect(t.sandbox.isolates.every((isolate) => isolate.disposed)).toBe(true);
    expect(t.env.pendingTimers).toBe(0);
    const count = t.messages.length;
    t.host.receive({ type: 'stop' });
    t.env.advance(10 * METRICS_INTERVAL_MS);
    expect(t.messages).toHaveLength(count);
    expect(t.store().snapshot('iterations', {}, 1000)?.value('count')).toBe(1);
  });

  it('crosses nothing once stopped: what the protocols deliver as their VUs stop is dropped, and each protocol is closed once', () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1, 2] });
    t.env.turn();
    const crossings = t.sandbox.crossings.length;
    t.host.receive({ type: 'stop' });
    t.env.turn();
    t.env.advance(10 * METRICS_INTERVAL_MS);
    expect(t.probe.stopped).toEqual([1, 2]);
    expect(t.probe.closed()).toBe(1);
    // Crossing into the disposed isolate would fail and rebuild it, running init code again.
    expect(t.sandbox.crossings).toHaveLength(crossings);
    expect(t.sandbox.isolates.every((isolate) => isolate.disposed)).toBe(true);
  });

  it('sends the samples of the lifecycle VU before its end, with its result', () => {
    const t = start({ iterate: ([, vu, token]) => [['metric', vu, 'checks', 1, '', null], ['end', vu, token, null, '{"ok":true}']] }, { recordIterations: false });
    t.host.receive({ type: 'createVus', ids: [0] });
    t.host.receive({ type: 'run', items: [0, 1, 0, 0] });
    t.env.turn();
    expect(t.messages.slice(-2).map((m) => m.type)).toEqual(['metrics', 'batch']);
    expect(t.of('batch').at(-1)).toMatchObject({ ended: [0, 1, 0], results: [{ vu: 0, token: 1, json: '{"ok":true}' }] });
    const store = t.store();
    expect(store.snapshot('checks', {}, 1000)?.value('rate')).toBe(1);
    expect(store.snapshot('iterations', {}, 1000)).toBeUndefined();
  });
});

describe('VuHost: creating VUs', () => {
  it("asks only each request's first VU to describe the exports, which every VU of the script shares", () => {
    const t = start();
    t.host.receive({ type: 'createVus', ids: [1, 2, 3] });
    expect(t.of('vusCreated')).toEqual([{ type: 'vusCreated', count: 3, error: null, exports: { functions: ['default'], options: '' } }]);
    t.host.receive({ type: 'createVus', ids: [4] });
    expect(t.of('vusCreated').at(-1)).toEqual({ type: 'vusCreated', count: 1, error: null, exports: { functions: ['default'], options: '' } });
    expect(realm(t.env).vus).toEqual([1, 2, 3, 4]);
    expect(realm(t.env).described).toEqual([true, false, false, true]);
  });
});

describe('VuHost: init code that awaits', () => {
  it('serves its sleeps, crosses its events one VU at a time, and reports the VUs once every init is ready', () => {
    const t = start({ init: (vu) => ({ awaitsMs: vu * 100 }) });
    t.host.receive({ type: 'createVus', ids: [1, 2] });
    t.env.turn();
    expect(t.of('vusCreated')).toEqual([]);
    expect(t.env.pendingTimeouts).toBe(2);
    t.env.advance(100);
    expect(t.of('vusCreated')).toEqual([]);
    t.env.advance(100);
    expect(t.of('vusCreated')).toEqual([{ type: 'vusCreated', count: 2, error: null, exports: { functions: ['default'], options: '' } }]);
    // While the first VU's init code awaited, no VU had described the exports yet: the second was asked to as well.
    expect(realm(t.env).described).toEqual([true, true]);
    // Each resolve crossed alone: the realm can tell whose init code it runs.
    expect(t.sandbox.crossingsWith('resolve')).toEqual([[['resolve', 1, undefined]], [['resolve', 2, undefined]]]);
    t.host.receive({ type: 'run', items: [1, 7, 0, 0] });
    t.env.advance(DEFAULT_SLEEP_MS);
    expect(t.ended()).toEqual([1, 7, 0]);
  });

  it('drops the sleeps of init code still awaiting when the test stops', () => {
    const t = start({ init: () => ({ awaitsMs: 5000 }) });
    t.host.receive({ type: 'createVus', ids: [1] });
    t.env.turn();
    expect(t.env.pendingTimeouts).toBe(1);
    t.host.receive({ type: 'stop' });
    expect(t.env.pendingTimeouts).toBe(0);
  });
});

describe('VuHost: open() in init code', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads a file once for all the VUs of the worker, as text or bytes', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wsk-open-'));
    writeFileSync(path.join(dir, 'data.txt'), 'first');
    const t = start({ init: (vu, r) => r.open(vu, 'data.txt', vu === 4) }, { scriptDir: dir, vusPerIsolate: 2 });
    t.host.receive({ type: 'createVus', ids: [1] });
    writeFileSync(path.join(dir, 'data.txt'), 'second');
    t.host.receive({ type: 'createVus', ids: [2, 3, 4] });
    const opened = (vu: number) => t.sandbox.isolates.flatMap((isolate) => isolate.realms).find((r) => r.opened.has(vu))?.opened.get(vu);
    // VU 3 lives in another isolate, and still gets what VU 1 read.
    expect([1, 2, 3].map(opened)).toEqual(['first', 'first', 'first']);
    const bytes = opened(4);
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(bytes as ArrayBuffer).toString()).toBe('second');
  });

  it('fails init code that opens a missing file, naming the path', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wsk-open-'));
    const t = start({ init: (vu, r) => r.open(vu, 'missing.txt', false) }, { scriptDir: dir });
    t.host.receive({ type: 'createVus', ids: [1, 2] });
    expect(t.of('vusCreated')).toEqual([
      { type: 'vusCreated', count: 0, error: { vu: 1, error: { message: `open("missing.txt"): cannot read ${path.join(dir, 'missing.txt')} (ENOENT)`, stack: '' } }, exports: null },
    ]);
  });

  it('reports init code stopped by the sandbox as an init error', () => {
    const t = start({
      init: (vu) => {
        if (vu === 2) throw new CrossingError('timeout', 'at init', 2);
      },
    });
    t.host.receive({ type: 'createVus', ids: [1, 2] });
    expect(t.of('vusCreated')).toEqual([
      { type: 'vusCreated', count: 1, error: { vu: 2, error: { message: 'Script execution timed out in init code', stack: 'at init' } }, exports: { functions: ['default'], options: '' } },
    ]);
  });
});
