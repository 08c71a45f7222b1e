/**
 * `wsk serve` flag values (strings from commander) into TargetOptions. Durations take a unit as
 * elsewhere in wsk ("20ms", "1.5s") or a plain number of milliseconds; rates are fractions 0..1.
 */
import { configError, quote } from '../errors.js';
import { parseDuration } from '../duration.js';
import { CHAT_RANGES, PORT_RANGE, SEED_RANGE, VOICE_RANGES, describeRange, inRange, type Range } from './options.js';
import type { ChatOptions, TargetOptions, VoiceOptions } from './types.js';

type ValueKind = 'integer' | 'fraction' | 'duration';

const CHAT_FLAGS: Readonly<Record<string, readonly [keyof ChatOptions, ValueKind]>> = {
  parts: ['parts', 'integer'],
  delay: ['delayMs', 'duration'],
  jitter: ['jitterMs', 'duration'],
  drop: ['dropRate', 'fraction'],
  garble: ['garbleRate', 'fraction'],
};

const VOICE_FLAGS: Readonly<Record<string, readonly [keyof VoiceOptions, ValueKind]>> = {
  processingDelay: ['processingDelayMs', 'duration'],
  silence: ['silenceMs', 'duration'],
  replyAudio: ['replyAudioMs', 'duration'],
};

/** `flags` holds commander's camelCase keys: host, port, parts, delay, jitter, drop, garble, processingDelay, silence, replyAudio, seed. */
export function parseServeFlags(flags: Record<string, unknown>): TargetOptions {
  const options: TargetOptions = {};
  const host = flags['host'];
  if (host !== undefined) {
    if (typeof host !== 'string' || !/^\S+$/.test(host)) {
      throw configError('INVALID_CLI', `--host: invalid value ${quote(host)}; expected an address such as "127.0.0.1"`);
    }
    options.host = host;
  }
  if (flags['port'] !== undefined) options.port = parseValue(flags['port'], 'port', 'integer', PORT_RANGE);
  if (flags['seed'] !== undefined) options.seed = parseValue(flags['seed'], 'seed', 'integer', SEED_RANGE);
  const chat: Partial<ChatOptions> = {};
  for (const [flag, [key, kind]] of Object.entries(CHAT_FLAGS)) {
    if (flags[flag] !== undefined) chat[key] = parseValue(flags[flag], flag, kind, CHAT_RANGES[key]);
  }
  const voice: Partial<VoiceOptions> = {};
  for (const [flag, [key, kind]] of Object.entries(VOICE_FLAGS)) {
    if (flags[flag] !== undefined) voice[key] = parseValue(flags[flag], flag, kind, VOICE_RANGES[key]);
  }
  if (Object.keys(chat).length > 0) options.chat = chat;
  if (Object.keys(voice).length > 0) options.voice = voice;
  return options;
}

/** The command-line flags that give `options`, for starting `wsk serve` in another process. */
export function serveFlagArgs(options: TargetOptions): string[] {
  const args: string[] = [];
  if (options.host !== undefined) args.push('--host', options.host);
  args.push('--port', String(options.port ?? 0));
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  const sections: [Record<string, unknown> | undefined, Readonly<Record<string, readonly [string, ValueKind]>>][] = [
    [options.chat, CHAT_FLAGS],
    [options.voice, VOICE_FLAGS],
  ];
  for (const [values, table] of sections) {
    for (const [flag, [key, kind]] of Object.entries(table)) {
      const value = values?.[key];
      if (value !== undefined) args.push(`--${kebab(flag)}`, kind === 'duration' ? `${String(value)}ms` : String(value));
    }
  }
  return args;
}

function parseValue(value: unknown, flag: string, kind: ValueKind, range: Range): number {
  const name = `--${kebab(flag)}`;
  const text = String(value).trim();
  let number: number;
  if (kind === 'duration') {
    number = parseDuration(text, name);
  } else if (kind === 'integer') {
    number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  } else {
    number = /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  }
  if (!inRange(number, range)) {
    const allowed = kind === 'duration' ? `a duration from ${formatMs(range.min)} to ${formatMs(range.max)}` : describeRange(range);
    throw configError('INVALID_CLI', `${name}: invalid value ${quote(String(value))}; expected ${allowed}`);
  }
  return number;
}

function formatMs(ms: number): string {
  return ms > 0 && ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms}ms`;
}

function kebab(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
