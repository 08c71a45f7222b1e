/**
 * What a protocol is to the host: one folder under src/protocols (ws, http, ...) whose index.ts
 * exports a `Protocol`, and one row in the table of src/protocols/index.ts. The core names no
 * protocol: the bundler, the sandbox runtime, the worker, the metrics and every output reach them
 * through the registry built from that table. ARCHITECTURE.md ("Adding a protocol") walks through one.
 */
import type { Handlers, SandboxEvent } from '../../runtime/protocol.js';
import type { NetworkOptions } from '../options/network.js';
import type { MetricStore } from '../metrics/store.js';
import type { MetricDefinition, Tags } from '../types.js';

export interface Protocol {
  /** A short name for messages ('ws'). */
  readonly name: string;
  /** The modules scripts import. */
  readonly modules: readonly ProtocolModule[];
  /** Absolute path of the sandbox side: a module whose default export is a `SandboxProtocol` (runtime/vu.ts). */
  readonly sandbox: string;
  /** The built-in metrics the protocol records. */
  readonly metrics: readonly MetricDefinition[];
  /**
   * Loads the host side, which sets the protocol up in a worker (its handlers of the actions VUs
   * send): `() => import('./host.js').then((host) => host.open)`. Only workers load it, so the CLI's
   * own thread never loads a protocol's client library and the Node modules under it (ws, http, tls:
   * a sixth of a one-second test's start-up).
   */
  host(): Promise<OpenProtocolHost>;
  /** What the protocol adds to the summary, the results, the report and the progress line. */
  readonly report?: ProtocolReport;
}

export interface ProtocolModule {
  /** The wsk module id ('wsk/ws'). */
  readonly id: string;
  /** k6's id for the same module, accepted as an alias ('k6/ws'), or its ids when k6 has several. */
  readonly k6?: string | readonly string[];
  /**
   * Exports that return a promise the VU must wait for: k6-style scripts that call them without
   * `await` get it added at bundling. `defaultMembers`: members of the default export (`http.get`).
   */
  readonly blocking: { readonly named: readonly string[]; readonly defaultMembers: readonly string[] };
  /** Absolute path of its declaration file, for `--typecheck` and editors. */
  readonly declarations: string;
  /**
   * Every name its module object has, when none is a getter: importers then bind each once, where
   * otherwise each VU gets a getter per name (see RuntimeTable.exports). test/integration/modules
   * checks each list against the module itself.
   */
  readonly exports?: readonly string[];
}

/** What a protocol's host side has of the worker that hosts it. */
export interface ProtocolContext {
  /** Records a sample of a built-in metric; `tags` are a sample's whole tags (see `VuPort.tags`). */
  record(metric: string, value: number, tags: Tags): void;
  /** The run's network options (they may change once the script's options are known). */
  network(): NetworkOptions;
  /** The script's bundled code: a hint of what it uses, so a protocol may start early what it will evidently need. */
  readonly scriptCode: string;
}

/** One VU as a protocol's host side sees it. The same object for the VU's whole life. */
export interface VuPort {
  readonly id: number;
  /** Queues an event for the VU's realm (wherever it lives: an isolate rebuild moves it). */
  deliver(event: SandboxEvent): void;
  /** The tags of the VU's samples: its scenario's, the group, then the script's own. */
  tags(group: string, own: Record<string, string> | null): Tags;
}

/** Sets a protocol's host side up in one worker (what `Protocol.host()` loads). */
export type OpenProtocolHost = (context: ProtocolContext) => ProtocolHost;

/** A protocol's host side in one worker. */
export interface ProtocolHost {
  /** A handler for every kind of action the protocol's sandbox side sends (see `handlers` in runtime/protocol.ts). */
  readonly actions: Handlers<[vu: VuPort]>;
  /** The VU's iteration ended (done, failed or interrupted): what it opened for that iteration alone ends. */
  endIteration?(vu: VuPort): void;
  /** The VU stopped (the test ended, or its isolate is rebuilt): what it holds (sockets, connections) ends. */
  stopVu(vu: VuPort): void;
  /** Records traffic counted since the last call (called once per metrics interval and at the end). */
  countTraffic(): void;
  /** The worker stops, after every VU did: what the protocol keeps for the whole worker (a thread) ends. */
  close?(): void;
}

/** The series of a metric, as outputs read them at the end of a run. */
export type SeriesSource = Pick<MetricStore, 'series'>;

export interface ProtocolReport {
  /**
   * Metrics whose samples say what went wrong in the given tags (in this order): the summary, the
   * results and the report's errors panel split them by kind (`ws_errors{error:refused}`). A
   * failure without any of the tags is its own kind when `untagged` says so, else left out.
   */
  readonly errorKinds?: readonly { readonly metric: string; readonly tags: readonly string[]; readonly untagged?: boolean }[];
  /** Request metrics that get a row per endpoint (the `name` tag, else the `url`) in the results and reports. */
  readonly endpoints?: readonly string[];
  /** Counts the failures of the run by method, endpoint name and error (Locust's _failures.csv). */
  failures?(store: SeriesSource, count: (method: string, name: string, error: string, occurrences: number) => void): void;
  /** Report panels of totals per second: a title and the metrics drawn in it. */
  readonly panels?: readonly { readonly title: string; readonly metrics: readonly string[] }[];
  /** Trends drawn first in the report, in this order. */
  readonly leadingTrends?: readonly string[];
  /** Parts of the progress display's headline ('http 120/s p95 12ms'), from the values so far. */
  headline?(read: HeadlineReader): string[];
  /** The section of the end-of-test summary the protocol's metrics are shown in; without it, CUSTOM. */
  readonly summary?: ProtocolSummarySection;
}

/**
 * k6 1.x shows metrics by kind, each kind a section in a fixed order: HTTP 10, EXECUTION 20,
 * NETWORK 30, BROWSER 40, WEB VITALS 50, GRPC 60, WEBSOCKET 70 (`rank`; custom metrics come first).
 */
export interface ProtocolSummarySection {
  /** The section's title: 'HTTP'. */
  readonly title: string;
  readonly rank: number;
  /** Metrics only `--summary-mode full` shows (k6's compact summary leaves out http_req_blocked and the like). */
  readonly fullOnly?: readonly string[];
}

export interface HeadlineReader {
  /** A value of a metric over the whole run so far ('count', 'rate', 'p(95)'); undefined before its first sample. */
  value(metric: string, stat: string): number | undefined;
  /** '12/s': a count as a rate over the run so far. */
  perSecond(count: number | undefined): string;
  /** ' p95 12ms', or '' before the trend's first sample. */
  p95(metric: string): string;
  percent(rate: number): string;
}
