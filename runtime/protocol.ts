/**
 * What crosses the sandbox boundary. The host sends a batch of events in one call per event-loop
 * turn; the sandbox answers with a batch of actions. Both are flat tuples so one structured copy
 * carries hundreds of them (DESIGN.md: a batch costs ~0.1 µs per event, a lone crossing ~2 µs).
 */

/** Start an iteration: VU, token (echoed back at its end), exported function name, iteration numbers, scenario name. */
export type IterateEvent = [kind: 'iterate', vu: number, token: number, exec: string, iterInScenario: number, scenario: string];
/** A host operation (timer, ...) the VU awaits has finished. */
export type ResolveEvent = [kind: 'resolve', op: number, value: unknown];
/** A host operation failed; the VU's promise rejects with this message. */
export type RejectEvent = [kind: 'reject', op: number, message: string];
/** Forget the given pending operations: the iteration that awaited them was interrupted. */
export type ForgetEvent = [kind: 'forget', ops: number[]];
/** setup()'s result, as JSON, for every VU of the realm. */
export type SetupDataEvent = [kind: 'setupData', json: string];
/**
 * Something happened on a WebSocket: a data message (`a` is the text or the bytes, `b` whether it was
 * binary), its close (`a` code, `b` reason) or an error (`a` message, `b` kind). `at` is the host's
 * clock (ms) when it happened, so latencies never include sandbox delay.
 */
export type SocketEvent = [kind: 'ws', socket: number, what: SocketEventKind, a: unknown, b: unknown, at: number];
/** 'ping': the server pinged; 'buffered': `a` is the socket's send buffer size, which changed; 'timeout': request `a` timed out. */
export type SocketEventKind = 'message' | 'close' | 'error' | 'ping' | 'buffered' | 'timeout';
export type SandboxEvent = IterateEvent | ResolveEvent | RejectEvent | ForgetEvent | SetupDataEvent | SocketEvent;

/** Sleep: resolve op after ms. */
export type SleepAction = [kind: 'sleep', vu: number, op: number, ms: number];
/** A sleep that is no longer needed (a timeout whose operation finished first). */
export type CancelAction = [kind: 'cancel', vu: number, op: number];
/** A metric sample; group is the k6 group path ('' at the root); tags are the script's own (or null). */
export type MetricAction = [kind: 'metric', vu: number, name: string, value: number, group: string, tags: Record<string, string> | null];
/** A custom metric created in init code. */
export type DefineMetricAction = [kind: 'define', name: string, type: 'counter' | 'gauge' | 'rate' | 'trend', isTime: boolean];
export type LogAction = [kind: 'log', vu: number, level: 'log' | 'info' | 'warn' | 'error' | 'debug', text: string];
/** An iteration ended: error is null when it completed; result is the JSON of setup()'s or handleSummary()'s return value, else ''. */
export type IterationEndAction = [kind: 'end', vu: number, token: number, error: ScriptErrorInfo | null, result: string];
/**
 * Script code the host did not call directly threw — a socket handler, a request's match/until
 * predicate, a timer callback — or a value the VU handed over could not cross. The VU goes on;
 * `where` says what threw ("socket 'message' handler").
 */
export type ScriptErrorAction = [kind: 'error', vu: number, error: ScriptErrorInfo, where: string];
/** Options of ws.open() as they cross to the host. */
export interface SocketOpenOptions {
  readonly headers: Record<string, string>;
  readonly subprotocols: string[];
  readonly compression: boolean;
  readonly timeoutMs: number;
  /** The VU's group and the script's tags for this socket's metrics. */
  readonly group: string;
  readonly tags: Record<string, string>;
}
/** Open socket `socket` of `vu`; op resolves with { protocol } or rejects with "<kind>: message". */
export type SocketOpenAction = [kind: 'wsOpen', vu: number, op: number, socket: number, url: string, options: SocketOpenOptions];
/**
 * Send on a socket; `request` (non-zero) stamps the send time of a correlated request, and the host
 * answers with a 'timeout' socket event for it if no wsReqEnd came within `timeoutMs`.
 */
export type SocketSendAction = [kind: 'wsSend', vu: number, socket: number, data: string | ArrayBuffer, request: number, timeoutMs: number];
export type SocketCloseAction = [kind: 'wsClose', vu: number, socket: number, code: number, reason: string];
/** Ping; op resolves with the round trip in ms. */
export type SocketPingAction = [kind: 'wsPing', vu: number, op: number, socket: number];
/**
 * A correlated request is over: host times of its first and last reply (0: none came), whether it
 * failed (timed out), and its group and tags. The host turns them into ws_req_* samples.
 */
export type RequestEndAction = [kind: 'wsReqEnd', vu: number, socket: number, request: number, firstAt: number, lastAt: number, failed: boolean, group: string, tags: Record<string, string> | null];
/**
 * Stream `byteLength` bytes as binary frames of frameBytes, one every intervalMs on a drift-free
 * schedule; op resolves when the last is out. The bytes stay in the sandbox (a copy taken when the
 * script called stream()): the host reads them a chunk at a time with the router's `readStream(op,
 * offset, length)`, so starting a stream never copies a whole utterance across at once.
 */
export type SocketStreamAction = [kind: 'wsStream', vu: number, op: number, socket: number, byteLength: number, frameBytes: number, intervalMs: number, group: string, tags: Record<string, string> | null];
export type SocketAction = SocketOpenAction | SocketSendAction | SocketCloseAction | SocketPingAction | RequestEndAction | SocketStreamAction;

/** An HTTP request as it crosses to the host; the body is already encoded. */
export interface HttpRequestWire {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | ArrayBuffer | null;
  readonly timeoutMs: number;
  /** Redirects to follow; -1: the script's options.maxRedirects (default 10). */
  readonly redirects: number;
  /** '': the default (text, or none under options.discardResponseBodies). */
  readonly responseType: 'text' | 'binary' | 'none' | '';
  readonly cookies: Record<string, string>;
  /** Expected statuses as [min, max] ranges (http_req_failed 0); null: not counted in http_req_failed. */
  readonly expected: [number, number][] | null;
  /** The VU's group and the script's tags (`name` included) for this request's metrics. */
  readonly group: string;
  readonly tags: Record<string, string>;
}
/** What an HTTP request's op resolves with: k6's response fields, before the sandbox wraps them. */
export interface HttpResponseWire {
  readonly status: number;
  readonly statusText: string;
  readonly proto: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly cookies: Record<string, unknown[]>;
  readonly body: string | ArrayBuffer | null;
  readonly timings: Record<'blocked' | 'connecting' | 'tls_handshaking' | 'sending' | 'waiting' | 'receiving' | 'duration', number>;
  readonly error: string;
  readonly errorCode: number;
  readonly remoteIp: string;
  readonly remotePort: number;
}
/** An HTTP request; op resolves with an HttpResponseWire (never rejects: failures are responses with an error). */
export type HttpAction = [kind: 'http', vu: number, op: number, request: HttpRequestWire];
/** The VU's cookie jar: 'get' resolves op with the cookies for url; the others resolve op with undefined. */
export type CookieAction = [kind: 'cookie', vu: number, op: number, what: 'set' | 'get' | 'delete' | 'clear', url: string, name: string, value: string, options: Record<string, unknown> | null];

export type SandboxAction = SleepAction | CancelAction | MetricAction | DefineMetricAction | LogAction | IterationEndAction | ScriptErrorAction | SocketAction | HttpAction | CookieAction;

/** An exception thrown by script code, as it crosses to the host (the stack still has bundle positions). */
export interface ScriptErrorInfo {
  readonly message: string;
  readonly stack: string;
}

/** What the host tells a realm once, when it boots it. */
export interface RealmConfig {
  /** 'compartment' freezes the shared realm so VUs cannot leak state through it. */
  readonly lockdown: boolean;
  readonly env: Record<string, string>;
  /** Each scenario's own `env`, merged over `env` for its iterations. */
  readonly scenarioEnv: Record<string, Record<string, string>>;
}

/** Result of creating a VU: its exports' shape, or the init error. */
export interface VuInitResult {
  readonly error: ScriptErrorInfo | null;
  /** Names of exported functions (to validate `exec` and find lifecycle functions). */
  readonly functions: string[];
  /** JSON of the `options` export, or '' when absent. */
  readonly options: string;
}
