/**
 * The `wsk` module: what a virtual user (VU) script imports. `k6` is accepted as an alias.
 * Everything that waits returns a promise: thousands of VUs share one thread, so a VU pauses by
 * awaiting, never by blocking. (k6-style scripts that omit `await` are rewritten at bundling.)
 */

/** Pauses this VU for `seconds` (fractions allowed). */
export function sleep(seconds: number): Promise<void>;

/** A named set of predicates over `value`; each result is recorded in the `checks` rate metric. */
export type Checkers<T> = Record<string, (value: T) => unknown>;

/**
 * Runs each predicate against `value`; records one `checks` sample per predicate (tagged `check: name`,
 * the current group, and `tags`). Returns true when all passed. Predicates are synchronous.
 */
export function check<T>(value: T, checkers: Checkers<T>, tags?: Record<string, string>): boolean;

/**
 * Runs `fn` inside a named group: its metrics are tagged `group: '::name'` (nested: '::outer::inner')
 * and its duration is recorded in `group_duration`. Returns what `fn` returns.
 */
export function group<T>(name: string, fn: () => T | Promise<T>): Promise<T>;

/** Ends the current iteration with an error (counted and logged); the VU goes on with the next one. */
export function fail(message?: string): never;

/**
 * Seeds this VU's `Math.random`, so the same seed gives the same numbers run after run. Other VUs keep
 * their own generators.
 */
export function randomSeed(seed: number): void;

/** Per-VU, per-iteration facts (also available as `import exec from 'wsk/execution'`). */
export { default as exec } from './execution';

declare global {
  /** Environment variables: the process environment, overridden by `-e KEY=VALUE` and scenario `env`. */
  const __ENV: Readonly<Record<string, string | undefined>>;
  /** This VU's id, from 1 (0 in setup and teardown). */
  const __VU: number;
  /** This VU's iteration number, from 0. */
  const __ITER: number;
  /** Reads a file relative to the script, in init code only. `'b'` returns its bytes. */
  function open(path: string): string;
  function open(path: string, mode: 'b'): ArrayBuffer;
  /** Web Crypto, as k6 offers it: random values, v4 UUIDs and digests (SHA-1, SHA-256, SHA-384, SHA-512). */
  const crypto: {
    getRandomValues<T extends Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array>(array: T): T;
    randomUUID(): string;
    readonly subtle: {
      digest(algorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | { name: string }, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer>;
    };
  };
  /** Timers, as in `wsk/timers` (k6/timers): the iteration waits for the pending ones. */
  const setTimeout: typeof import('./timers').setTimeout;
  const clearTimeout: typeof import('./timers').clearTimeout;
  const setInterval: typeof import('./timers').setInterval;
  const clearInterval: typeof import('./timers').clearInterval;
  /** Logs to wsk's output, prefixed with the VU id. */
  const console: {
    log(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  };
}

/** A duration as k6 writes it: "500ms", "30s", "1m30s", "1h"; a number is milliseconds. */
export type Duration = string | number;

/** One step of a ramp: move to `target` over `duration`. */
export interface Stage {
  duration: Duration;
  target: number;
}

/** A threshold: an expression such as "p(95)<500", or one with k6's abort settings. */
export type Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration };

interface ScenarioCommon {
  startTime?: Duration;
  gracefulStop?: Duration;
  /** The exported function each iteration calls (default: the default export). */
  exec?: string;
  env?: Record<string, string>;
  tags?: Record<string, string>;
}

/** A scenario of `options.scenarios`, by executor (k6's names and fields). */
export type Scenario = ScenarioCommon &
  (
    | { executor: 'constant-vus'; vus?: number; duration: Duration }
    | { executor: 'ramping-vus'; startVUs?: number; stages: Stage[]; gracefulRampDown?: Duration }
    | { executor: 'per-vu-iterations'; vus?: number; iterations?: number; maxDuration?: Duration }
    | { executor: 'shared-iterations'; vus?: number; iterations?: number; maxDuration?: Duration }
    | { executor: 'constant-arrival-rate'; rate: number; timeUnit?: Duration; duration: Duration; preAllocatedVUs: number; maxVUs?: number }
    | { executor: 'ramping-arrival-rate'; startRate?: number; timeUnit?: Duration; stages: Stage[]; preAllocatedVUs: number; maxVUs?: number }
    /**
     * A kind of user, as Locust's user classes: weighted scenarios share the load the options give
     * (vus with duration, iterations or stages) in proportion to their weights; 7, 2 and 1 of 20 VUs
     * are 14, 4 and 2.
     */
    | { weight: number; executor?: never }
  );

/**
 * The type of a script's `options` export. Declared as `export const options: Options = { ... }`,
 * a misspelt option is a type error under `wsk run --typecheck` and in editors, as it is an error
 * when the test starts.
 */
export interface Options {
  vus?: number;
  duration?: Duration;
  iterations?: number;
  stages?: Stage[];
  scenarios?: Record<string, Scenario>;
  /** Metric key ("http_req_duration" or "http_req_duration{name:login}") → threshold(s). */
  thresholds?: Record<string, Threshold | Threshold[]>;
  summaryTrendStats?: string[];
  setupTimeout?: Duration;
  teardownTimeout?: Duration;
  /** Tags every sample carries. */
  tags?: Record<string, string>;
  /** The tags wsk sets itself that samples keep. */
  systemTags?: string[];
  /** Host name → IP address, used instead of DNS. */
  hosts?: Record<string, string>;
  insecureSkipTLSVerify?: boolean;
  tlsAuth?: { domains: string[]; cert: string; key: string }[];
  /** Sent with every HTTP request that sets none ("" sends none). */
  userAgent?: string;
  noConnectionReuse?: boolean;
  batchPerHost?: number;
  maxRedirects?: number;
  discardResponseBodies?: boolean;
  /** Named option sets (smoke, load, stress, ...); `wsk run --profile load` overlays one on the rest. */
  profiles?: Record<string, Omit<Options, 'profiles'>>;

  // k6 options wsk accepts and does not act on, so k6 scripts run unchanged.
  batch?: number;
  blacklistIPs?: string[];
  blockHostnames?: string[];
  cloud?: unknown;
  compatibilityMode?: string;
  consoleOutput?: string;
  dns?: unknown;
  executionSegment?: string;
  executionSegmentSequence?: string;
  ext?: unknown;
  httpDebug?: string;
  includeSystemEnvVars?: boolean;
  linger?: boolean;
  localIPs?: string;
  logFormat?: string;
  logOutput?: string;
  minIterationDuration?: Duration;
  noCookiesReset?: boolean;
  noSetup?: boolean;
  noSummary?: boolean;
  noTeardown?: boolean;
  noThresholds?: boolean;
  noUsageReport?: boolean;
  noVUConnectionReuse?: boolean;
  paused?: boolean;
  quiet?: boolean;
  rps?: number;
  summaryTimeUnit?: string;
  throw?: boolean;
  tlsCipherSuites?: string[];
  tlsVersion?: string | { min?: string; max?: string };
  traces?: unknown;
  upload?: boolean;
  webDashboard?: boolean;
}
