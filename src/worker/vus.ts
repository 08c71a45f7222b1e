/** The worker's records of its VUs, and of the placements (isolate, realm, queue) they live in. */
import type { SandboxEvent } from '../../runtime/protocol.js';
import type { VuPort } from '../protocols/types.js';
import type { Tags } from '../types.js';
import type { HostIsolate, HostRealm } from './environment.js';
import type { PendingOps } from './pending-ops.js';

export interface Placement {
  readonly isolate: HostIsolate;
  readonly realm: HostRealm;
  readonly vus: HostVu[];
  /** Events waiting for the next crossing, and the VU each concerns (null: the whole realm). */
  readonly queue: SandboxEvent[];
  readonly queued: (HostVu | null)[];
  /**
   * Crossings carry one VU's events at a time: set after the isolate ran out of memory in a crossing
   * that several VUs shared, so that the next such failure names its VU for certain.
   */
  oneVuPerCrossing: boolean;
  /** Its VUs whose init code awaits: while there are any, crossings carry one VU's events at a time. */
  initializing: number;
}

export interface HostVu {
  readonly id: number;
  place: Placement;
  /** Token of the running iteration; 0 when idle. */
  token: number;
  scenario: number;
  /** The tags the script set on the VU (exec.vu.tags), frozen; null for none. */
  tags: Tags | null;
  startedAt: number;
  /** Pending host operations of the running iteration, with their timers. */
  readonly ops: PendingOps;
  /** The loop this VU runs on its own, if the coordinator started one. */
  loop: Loop | undefined;
  /** Its running iteration may chain the next one in the realm (IterateEvent): the host must unchain it to stop the loop. */
  chaining: boolean;
  /** The VU as the protocols' host sides see it. */
  readonly port: VuPort;
  /** Isolate heap its crossings added (net), measured only while its placement carries one VU per crossing. */
  heapGrowth: number;
  /** Its init code awaits (top-level await, a timer): its sleeps are served until its `ready`. */
  initializing: boolean;
}

export interface Loop {
  readonly token: number;
  readonly scenario: number;
  readonly untilEpochMs: number;
  left: number;
  iteration: number;
  /** completed, failed, interrupted (indexed by IterationStatus). */
  readonly counts: [number, number, number];
}
