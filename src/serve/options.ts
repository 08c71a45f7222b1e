/**
 * Defaults and allowed ranges of the target options, and their validation for callers of the API.
 * `flags.ts` checks the CLI's strings against the same ranges.
 */
import { configError, quote } from '../errors.js';
import type { ChatOptions, TargetOptions, VoiceOptions } from './types.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_SEED = 1;

export const CHAT_DEFAULTS: Readonly<ChatOptions> = { parts: 3, delayMs: 20, jitterMs: 10, dropRate: 0, garbleRate: 0 };
export const VOICE_DEFAULTS: Readonly<VoiceOptions> = {
  processingDelayMs: 200,
  silenceMs: 400,
  replyAudioMs: 600,
  sampleRate: 16_000,
  frameMs: 20,
};

export interface Range {
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

const HOUR_MS = 3_600_000;
const delay: Range = { min: 0, max: HOUR_MS, integer: false };
const fraction: Range = { min: 0, max: 1, integer: false };

export const CHAT_RANGES: Readonly<Record<keyof ChatOptions, Range>> = {
  parts: { min: 1, max: 10_000, integer: true },
  delayMs: delay,
  jitterMs: delay,
  dropRate: fraction,
  garbleRate: fraction,
};

export const VOICE_RANGES: Readonly<Record<keyof VoiceOptions, Range>> = {
  processingDelayMs: delay,
  // Zero would end an utterance on the first silent sample after speech.
  silenceMs: { min: 1, max: HOUR_MS, integer: false },
  replyAudioMs: delay,
  sampleRate: { min: 1000, max: 192_000, integer: true },
  frameMs: { min: 1, max: 1000, integer: true },
};

export const PORT_RANGE: Range = { min: 0, max: 65_535, integer: true };
export const SEED_RANGE: Range = { min: 0, max: 2 ** 32 - 1, integer: true };

export function inRange(value: number, range: Range): boolean {
  return Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
}

export function describeRange(range: Range): string {
  return `${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}`;
}

export interface ResolvedTargetOptions {
  readonly host: string;
  readonly port: number;
  readonly chat: Readonly<ChatOptions>;
  readonly voice: Readonly<VoiceOptions>;
  readonly seed: number;
}

/** Fills in defaults and rejects out-of-range values, naming the option path (e.g. `chat.dropRate`). */
export function resolveTargetOptions(options: TargetOptions): ResolvedTargetOptions {
  const host = options.host ?? DEFAULT_HOST;
  if (typeof host !== 'string' || host.trim() === '') {
    throw configError('INVALID_OPTION', `host: invalid value ${quote(host)}; expected an address such as "127.0.0.1"`);
  }
  return {
    host,
    port: checked(options.port ?? 0, 'port', PORT_RANGE),
    seed: checked(options.seed ?? DEFAULT_SEED, 'seed', SEED_RANGE),
    chat: section({ ...CHAT_DEFAULTS, ...options.chat }, 'chat', CHAT_RANGES),
    voice: section({ ...VOICE_DEFAULTS, ...options.voice }, 'voice', VOICE_RANGES),
  };
}

function section<T extends object>(values: T, name: string, ranges: Readonly<Record<keyof T, Range>>): T {
  for (const key of Object.keys(ranges) as (keyof T & string)[]) checked(values[key], `${name}.${key}`, ranges[key]);
  return values;
}

function checked(value: unknown, where: string, range: Range): number {
  if (typeof value !== 'number' || !inRange(value, range)) {
    throw configError('INVALID_OPTION', `${where}: invalid value ${quote(value)}; expected ${describeRange(range)}`);
  }
  return value;
}
