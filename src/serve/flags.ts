/**
 * `wsk serve` flag values (strings from commander) into TargetOptions. Durations take a unit as
 * elsewhere in wsk ("20ms", "1.5s") or a plain number of milliseconds; rates are fractions 0..1.
 * `wsk run --serve` gives a target and its flags in one string, which parseTargetSpec reads.
 */
import { WskError, configError, quote } from '../errors.js';
import { parseDuration } from '../duration.js';
import { CHAT_RANGES, PORT_RANGE, SEED_RANGE, VOICE_RANGES, describeRange, inRange, type Range } from './options.js';
import { TARGET_KINDS, type ChatOptions, type TargetKind, type TargetOptions, type VoiceOptions } from './types.js';

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

/** The flags each kind acts on (commander's camelCase keys); `--serve` rejects the others. */
const KIND_FLAGS: Readonly<Record<TargetKind, readonly string[]>> = {
  echo: ['host', 'port'],
  chat: ['host', 'port', 'seed', ...Object.keys(CHAT_FLAGS)],
  voice: ['host', 'port', ...Object.keys(VOICE_FLAGS)],
};

export interface TargetSpec {
  readonly kind: TargetKind;
  readonly options: TargetOptions;
}

/**
 * One `--serve` value: a kind, then that kind's flags as `wsk serve` takes them, in words split on
 * whitespace: `chat --drop 0.01 --parts 2` or `echo --port=8080`. Errors name the whole value.
 */
export function parseTargetSpec(text: string): TargetSpec {
  const fail = (problem: string): WskError => configError('INVALID_CLI', `--serve ${quote(text)}: ${problem}`);
  const [kind = '', ...words] = text.trim().split(/\s+/);
  if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
    const what = kind === '' ? 'no target' : `unknown target ${quote(kind)}`;
    throw fail(`${what}; allowed: ${TARGET_KINDS.join(', ')}, each optionally followed by its flags, e.g. "chat --drop 0.01"`);
  }
  const allowed = KIND_FLAGS[kind as TargetKind];
  const allowedText = allowed.map((flag) => `--${kebab(flag)}`).join(', ');
  const flags: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const match = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(word);
    if (match === null) throw fail(`unexpected ${quote(word)}; expected a flag of the ${kind} target: ${allowedText}`);
    const flag = match[1]!.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    if (!allowed.includes(flag)) throw fail(`the ${kind} target has no flag --${match[1]}; allowed: ${allowedText}`);
    if (flag in flags) throw fail(`--${match[1]} is given twice`);
    const value = match[2] ?? words[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw fail(`--${match[1]} needs a value`);
    flags[flag] = value;
  }
  try {
    return { kind: kind as TargetKind, options: parseServeFlags(flags) };
  } catch (error) {
    if (error instanceof WskError) throw fail(error.message);
    throw error;
  }
}

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
