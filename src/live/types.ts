/**
 * The live outputs' contracts: what the run gives them (a LiveSource) and what they give back.
 */
import type { RunResults } from '../results/types.js';

/** The run as the live outputs see it (the coordinator implements it). */
export interface LiveSource {
  /** The results so far (exitCode -1 and endedAt '' while the test runs); cheap enough to call every second. */
  snapshot(): RunResults;
}

export interface ListenOptions {
  readonly host: string;
  /** 0 for any free port. */
  readonly port: number;
}

/** Where `--dashboard` with no address listens: k6's address for its web dashboard. */
export const DEFAULT_DASHBOARD = { host: '127.0.0.1', port: 5665 } as const;

export interface Dashboard {
  /** The live page, e.g. 'http://127.0.0.1:5665/'. */
  readonly url: string;
  /** The run is over: every stream gets the final results and ends; the report becomes downloadable. */
  finish(final: RunResults): void;
  /** Ends every stream and the server. */
  close(): Promise<void>;
}

export interface MetricsEndpoint {
  /** The scrape URL, e.g. 'http://127.0.0.1:9464/metrics'. */
  readonly url: string;
  close(): Promise<void>;
}
