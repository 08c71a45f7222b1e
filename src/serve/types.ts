/**
 * Vocabulary of wsk's built-in target servers: the kinds, their options and a running target.
 */
import type { Clock } from '../types.js';

export type TargetKind = 'echo' | 'chat' | 'voice';
export const TARGET_KINDS: readonly TargetKind[] = ['echo', 'chat', 'voice'];

/** The line `wsk serve` prints once it listens (serve.ts), which `spawnTarget` waits for; the URL is group 1. */
export const LISTENING_LINE = /^wsk serve \w+ listening on (\S+)$/m;

export interface ChatOptions {
  /** Reply parts per request. */
  parts: number;
  /** Pause before each part, in ms. */
  delayMs: number;
  /** Each pause is drawn uniformly from delayMs ± jitterMs (never below 0). */
  jitterMs: number;
  /** Fraction (0..1) of requests whose whole reply, parts and done, is never sent. */
  dropRate: number;
  /** Fraction (0..1) of reply parts sent as truncated, invalid JSON. */
  garbleRate: number;
}

export interface VoiceOptions {
  /** From the end of an utterance to its transcript, in ms. */
  processingDelayMs: number;
  /** This much silent audio after speech ends an utterance, in ms. */
  silenceMs: number;
  /** Duration of the audio reply, in ms. */
  replyAudioMs: number;
  sampleRate: number;
  frameMs: number;
}

export interface TargetOptions {
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  chat?: Partial<ChatOptions>;
  voice?: Partial<VoiceOptions>;
  /** Seeds the chat target's drop, garble and jitter draws, so a run is reproducible. */
  seed?: number;
}

export interface RunningTarget {
  readonly kind: TargetKind;
  /** ws://HOST:PORT */
  readonly url: string;
  /** Terminates every open socket, stops every pending reply and closes the server. */
  close(): Promise<void>;
}

/** What a target's handler sees of one client connection; the server wraps the `ws` socket into this. */
export interface Connection {
  /** Sends a text (isBinary false) or binary message; does nothing once the socket is no longer open. */
  send(data: string | Buffer, isBinary: boolean): void;
  /** Aborts when the socket closes or the target shuts down: pending replies stop there. */
  readonly signal: AbortSignal;
  /** Uniform in [0, 1), from this connection's seeded generator. */
  readonly random: () => number;
  readonly clock: Clock;
}

/** One connection's behaviour: called with each message the client sends. */
export interface ConnectionHandler {
  onMessage(data: Buffer, isBinary: boolean): void;
}

export type TargetHandler = (connection: Connection) => ConnectionHandler;
