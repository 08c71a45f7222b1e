/**
 * What `wsk run` and `wsk inspect` share: bundle the script, run its init code once in the
 * lifecycle VU, merge its options with the CLI's, and plan the scenarios.
 */
import path from 'node:path';
import { ExitCode, WskError, scriptError } from '../errors.js';
import type { Io } from '../io.js';
import type { PlannedScenario, ScriptOptions } from '../types.js';
import { bundleScript, type Bundle } from '../bundle/index.js';
import { defaultBundleCache } from '../bundle/bundle-cache.js';
import { remoteOptions } from '../bundle/remote.js';
import { runtimeCode, runtimeCodeCacheFile } from '../bundle/runtime-code.js';
import { namesTimerGlobals, USER_CODE_LINE_OFFSET, wrapUserCode, type Isolation, type SandboxCode } from '../sandbox/code.js';
import { planScenarios, type ScenarioSelection } from '../options/scenarios.js';
import { definedEnv, type ConfigLayers } from '../options/sources.js';
import { readSystemTags } from '../options/system-tags.js';
import type { ScriptErrorInfo } from '../../runtime/protocol.js';
import { RUN_MEMORY_BYTES } from '../../runtime/run-memory.js';
import type { RunOverrides } from './options.js';
import { defaultsLayer, mergeLayers, optionsOf, overridesLayer, profileLayer, runSettingsLayer, scriptLayer, sourcesOf, withoutProfiles } from '../options/layers.js';
import { InitError, LifecycleVu, type LifecycleEvents, type ScriptExports } from './lifecycle.js';
import { ConsoleOutput } from './console-output.js';

/**
 * VUs per isolate. An isolate's heap has a fixed cost of several MB, so compartment VUs (a few KB each)
 * share few isolates; a context VU costs about 250 KB, so its isolates hold fewer to stay well inside
 * the memory limit (2 GB by default) that all of an isolate's VUs share.
 */
const DEFAULT_VUS_PER_ISOLATE: Readonly<Record<Isolation, number>> = { compartment: 10_000, context: 2_000 };

export interface ScriptRequest {
  /** The script path as the user gave it. */
  readonly script: string;
  readonly overrides: RunOverrides;
  /** `-e KEY=VALUE` pairs, over the process environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly typecheck: boolean;
  /** Remote modules from the cache only (--offline). */
  readonly offline?: boolean | undefined;
  /** No new remote modules in the lock file (--frozen; CI freezes it too). */
  readonly frozen?: boolean | undefined;
  readonly verbose: boolean;
  /** VU isolation (default compartment). */
  readonly isolation?: Isolation | undefined;
  /** Longest one crossing into a sandbox may run (default 10 s). */
  readonly callTimeoutMs?: number | undefined;
  /** Heap limit of one isolate (default 2048 MB). */
  readonly memoryLimitMb?: number | undefined;
  /** VUs that share an isolate (default 2000). */
  readonly vusPerIsolate?: number | undefined;
  /** The profile to overlay on the options (--profile, WSK_PROFILE). */
  readonly profile?: string | undefined;
  /** Which scenarios run (--scenario, --tags, --exclude-tags); all by default. */
  readonly selection?: ScenarioSelection | undefined;
  /** Where the overrides and run settings came from when not from flags ('WSK_VUS', 'wsk.yaml:3:1'). */
  readonly sources?: Readonly<Record<string, string>> | undefined;
  /** The config file's options and profiles (see options/sources.ts). */
  readonly config?: ConfigLayers | undefined;
  /** __ENV below the process environment: the config file's env and the --env-file. */
  readonly baseEnv?: Readonly<Record<string, string>> | undefined;
}

export const METRICS_INTERVAL_MS = 200;

export interface PreparedScript {
  readonly bundle: Bundle;
  readonly output: ConsoleOutput;
  readonly lifecycle: LifecycleVu;
  readonly exports: ScriptExports;
  readonly options: ScriptOptions;
  /** Where each setting came from, by key: `default`, `script options` or a flag. */
  readonly sources: Readonly<Record<string, string>>;
  readonly scenarios: PlannedScenario[];
  readonly sandboxSetup: {
    readonly code: SandboxCode;
    readonly isolation: Isolation;
    readonly limits: { readonly memoryLimitMb: number; readonly callTimeoutMs: number };
    readonly vusPerIsolate: number;
    readonly env: Record<string, string>;
    readonly scenarioEnv: Record<string, Record<string, string>>;
    readonly scriptDir: string;
    readonly metricsIntervalMs: number;
    /** Memory every thread of the run shares: wsk/data's feeders and wsk/execution's live facts (runtime/run-memory.ts). */
    readonly counters: SharedArrayBuffer;
    /** options.systemTags, for the workers. */
    readonly systemTags: readonly string[];
  };
}

/** Bundles and initialises the script; on any error after the lifecycle VU exists, stops it before throwing. */
export async function prepareScript(
  request: ScriptRequest,
  io: Io,
  events: Pick<LifecycleEvents, 'defined' | 'metrics'>,
): Promise<PreparedScript> {
  const scriptPath = path.resolve(io.cwd, request.script);
  const remote = remoteOptions({ offline: request.offline === true, frozen: request.frozen === true }, io.env, io.cwd);
  const bundle = await bundleScript(request.script, { typecheck: request.typecheck, cwd: io.cwd, remote, cache: defaultBundleCache() });
  for (const warning of bundle.warnings) {
    io.stderr.write(`WARN ${warning.file}:${warning.line}:${warning.column}: ${warning.message}\n`);
  }
  const runtime = await runtimeCode();
  const code: SandboxCode = {
    runtime,
    user: wrapUserCode(bundle.code),
    userFileName: 'wsk-script.js',
    imports: bundle.imports,
    timerGlobals: namesTimerGlobals(bundle.code),
    runtimeCodeCache: runtimeCodeCacheFile(runtime),
  };
  // The sandbox settings are needed to run the script that holds the options, so they are read from
  // the layers below and above the script's; the script cannot set them (they are not options).
  const cli = mergeLayers([overridesLayer(request.overrides, request.sources), runSettingsLayer(request, request.sources)]);
  const run = mergeLayers([defaultsLayer(), cli]);
  const isolation = run['isolation']!.value as Isolation;
  const output = new ConsoleOutput(io.stderr, (stack) => bundle.mapStack(stack, code.userFileName, USER_CODE_LINE_OFFSET), isolation, request.verbose);
  const sandboxSetup = {
    code,
    isolation,
    limits: { memoryLimitMb: run['memoryLimitMb']!.value as number, callTimeoutMs: run['callTimeoutMs']!.value as number },
    vusPerIsolate: (run['vusPerIsolate']?.value as number | undefined) ?? DEFAULT_VUS_PER_ISOLATE[isolation],
    env: { ...request.baseEnv, ...definedEnv(io.env), ...request.env },
    scenarioEnv: {},
    scriptDir: path.dirname(scriptPath),
    metricsIntervalMs: METRICS_INTERVAL_MS,
    counters: new SharedArrayBuffer(RUN_MEMORY_BYTES),
  };
  const lifecycle = new LifecycleVu(sandboxSetup, { ...events, logs: (logs) => output.logs(logs), errors: (errors) => output.errors(errors) });
  try {
    let exports: ScriptExports;
    try {
      exports = await lifecycle.init();
    } catch (error) {
      if (error instanceof InitError) throw initFailure(0, error.error, output, error.aborted);
      throw error;
    }
    const script = scriptLayer(exports.options);
    const profile = profileLayer(request.profile, request.config, script);
    const settings = mergeLayers([defaultsLayer(), request.config?.options ?? {}, withoutProfiles(script), profile, cli]);
    const options = optionsOf(settings);
    const scenarios = planScenarios(options, request.selection);
    checkExports(scenarios, exports);
    const systemTags = readSystemTags(options);
    return { bundle, output, lifecycle, exports, options, sources: sourcesOf(settings), scenarios, sandboxSetup: { ...sandboxSetup, systemTags } };
  } catch (error) {
    await lifecycle.stop();
    throw error;
  }
}

/** Every exported function a scenario names must exist. */
function checkExports(scenarios: readonly PlannedScenario[], exports: ScriptExports): void {
  const available = exports.functions.filter((f) => f !== 'setup' && f !== 'teardown' && f !== 'handleSummary');
  for (const scenario of scenarios) {
    if (exports.functions.includes(scenario.exec)) continue;
    if (scenario.exec === 'default') {
      throw scriptError('SCRIPT_EXCEPTION', 'the script has no default export; export the function each VU iteration runs: "export default function () { ... }"');
    }
    throw new WskError(
      'INVALID_OPTION',
      `options.scenarios.${scenario.name}.exec: the script exports no function ${JSON.stringify(scenario.exec)}; exported functions: ${available.join(', ') || '(none)'}`,
    );
  }
}

/** Init code threw, or called exec.test.abort() (`aborted`: exit 108, as k6). */
export function initFailure(vu: number, error: ScriptErrorInfo, output: ConsoleOutput, aborted = false): WskError {
  if (aborted) return new WskError('SCRIPT_EXCEPTION', `${output.failure(error)} (in init code${vu === 0 ? '' : ` of VU ${vu}`})`, { exitCode: ExitCode.scriptAborted });
  // A runtime export the script uses is missing (runtime/vu.ts): its message names the place already.
  const missing = /^ImportError: (.*)$/s.exec(error.message);
  if (missing !== null) return scriptError('SCRIPT_SYNTAX', missing[1]!);
  return scriptError('SCRIPT_EXCEPTION', `init code failed${vu === 0 ? '' : ` in VU ${vu}`}: ${output.failure(error)}`);
}
