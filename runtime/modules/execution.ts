/**
 * The `wsk/execution` module (alias `k6/execution`): live facts about the VU, its scenario, this
 * instance and the test, and control of the test (abort, fail), with k6's semantics.
 *
 * What is read where: the VU's own numbers and tags live in its state; the run's counts and times in
 * the memory every thread shares (run-memory.ts), so they are read without a crossing; the options
 * and the scenarios' plan come from the coordinator once (the realm's TestInfo).
 */
import type Execution from 'wsk/execution';
import type { ScriptErrorInfo, TestScenarioInfo } from '../protocol.js';
import type { VuState } from '../vu.js';

type TagValues = Record<string, string>;

/** Its objects are frozen like every module object a script gets; only the tag maps take writes. */
export function createExecutionModule(state: VuState): typeof Execution {
  const { services } = state;

  /** k6 refuses what needs a running VU in init code: the same error, one per object. */
  const notInInit = (what: string): void => {
    if (services.inInit()) {
      throw new Error(`${what} is not available in init code (the top level of the script); read it inside a VU function, setup() or teardown()`);
    }
  };
  const inScenario = (what: string): TestScenarioInfo => {
    const scenario = services.test()?.scenarios[state.scenarioIndex];
    if (state.scenarioIndex < 0 || scenario === undefined) {
      throw new Error(`exec.scenario.${what} is only available in a scenario's iterations, not in init code, setup() or teardown()`);
    }
    return scenario;
  };

  const ownTags = (state.tags ??= new Map());
  const tags = tagMap(state, 'tag', ownTags, () => {
    services.emit(['tags', state.id, ownTags.size === 0 ? null : Object.fromEntries(ownTags)]);
  });
  const metadata = tagMap(state, 'metadata', (state.metadata ??= new Map()), () => {});

  const vu = Object.freeze({
    get idInInstance() {
      return state.id;
    },
    get idInTest() {
      return state.id;
    },
    get iterationInInstance() {
      return Math.max(0, state.iterationInInstance);
    },
    get iterationInScenario() {
      return state.iterationInScenario;
    },
    tags,
    metrics: Object.freeze({ tags, metadata }),
  });

  const scenario = Object.freeze({
    get name() {
      inScenario('name');
      return state.scenario;
    },
    get executor() {
      return inScenario('executor').executor;
    },
    get startTime() {
      inScenario('startTime');
      return Math.floor(services.run.scenarioStartMs(state.scenarioIndex));
    },
    get progress() {
      const { progress } = inScenario('progress');
      const index = state.scenarioIndex;
      if ('iterations' in progress) return progress.iterations > 0 ? Math.min(1, services.run.iterationsFinished(index) / progress.iterations) : 1;
      const started = services.run.scenarioStartMs(index);
      if (started === 0) return 0;
      return progress.durationMs > 0 ? Math.min(1, Math.max(0, Date.now() - started) / progress.durationMs) : 1;
    },
    get iterationInInstance() {
      inScenario('iterationInInstance');
      return state.iterationInTest;
    },
    get iterationInTest() {
      inScenario('iterationInTest');
      return state.iterationInTest;
    },
  });

  const instance = Object.freeze({
    get vusActive() {
      return services.run.vusActive;
    },
    get vusInitialized() {
      return services.run.vusInitialized;
    },
    get iterationsCompleted() {
      return services.run.iterationsCompleted;
    },
    get iterationsInterrupted() {
      return services.run.iterationsInterrupted;
    },
    get currentTestRunDuration() {
      const started = services.run.testStartMs;
      return started === 0 ? 0 : Math.max(0, Date.now() - started);
    },
  });

  const test = Object.freeze({
    abort(reason?: unknown): never {
      const error = new Error(reason === undefined || reason === null ? 'test aborted' : `test aborted: ${String(reason)}`);
      const info: ScriptErrorInfo = { message: error.message, stack: String(error.stack ?? '') };
      services.abort(state.id, info);
      throw error;
    },
    fail(reason?: unknown): void {
      if (services.inInit()) throw new Error('exec.test.fail() is not available in init code (the top level of the script); call it inside a VU function, setup() or teardown()');
      services.run.markFailed();
      services.emit(['log', state.id, 'error', reason === undefined || reason === null ? 'test marked as failed' : `test marked as failed: ${String(reason)}`]);
    },
    get options() {
      notInInit('exec.test.options');
      const info = services.test();
      if (info === undefined) throw new Error('exec.test.options: the test has no options yet');
      return info.options;
    },
  });

  return Object.freeze({
    get vu() {
      notInInit('exec.vu');
      return vu;
    },
    get scenario() {
      notInInit('exec.scenario');
      return scenario;
    },
    get instance() {
      notInInit('exec.instance');
      return instance;
    },
    test,
  }) as unknown as typeof Execution;
}

/**
 * exec.vu.tags (and exec.vu.metrics.tags, the same object), exec.vu.metrics.metadata: a map the
 * script reads and writes like an object. Reads see the scenario's tags and the group under what
 * the script set; writes take strings, numbers and booleans (as text), anything else is a TypeError
 * naming the key. `changed` runs after every write.
 */
function tagMap(state: VuState, what: 'tag' | 'metadata', own: Map<string, string>, changed: () => void): TagValues {
  const view = (): TagValues => {
    const values: TagValues = what === 'tag' ? baseTags(state) : {};
    for (const [key, value] of own) values[key] = value;
    return values;
  };
  return new Proxy({} as TagValues, {
    get: (_, key) => (typeof key === 'string' ? view()[key] : undefined),
    has: (_, key) => typeof key === 'string' && Object.hasOwn(view(), key),
    ownKeys: () => Object.keys(view()),
    getOwnPropertyDescriptor: (_, key) => {
      const values = view();
      if (typeof key !== 'string' || !Object.hasOwn(values, key)) return undefined;
      return { value: values[key], writable: true, enumerable: true, configurable: true };
    },
    set: (_, key, value: unknown) => {
      if (typeof key !== 'string') throw new TypeError(`exec.vu: a ${what} name must be a string`);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new TypeError(
          `exec.vu.${what === 'tag' ? 'tags' : 'metrics.metadata'}: invalid value for ${what} ${JSON.stringify(key)}: only strings, numbers and booleans are allowed, got ${value === null ? 'null' : typeof value}`,
        );
      }
      own.set(key, String(value));
      changed();
      return true;
    },
    deleteProperty: (_, key) => {
      if (typeof key === 'string' && own.delete(key)) changed();
      return true;
    },
    defineProperty: () => false,
  });
}

/** The tags every sample of the VU gets before its own: the scenario's (the options', the scenario's, its name) and the group. */
function baseTags(state: VuState): TagValues {
  const scenario = state.services.test()?.scenarios[state.scenarioIndex];
  const tags: TagValues = { ...(scenario?.tags ?? { scenario: state.scenario }) };
  tags['group'] = state.group;
  return tags;
}
