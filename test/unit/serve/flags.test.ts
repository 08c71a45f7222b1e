import { describe, expect, it } from 'vitest';
import { parseServeFlags, parseTargetSpec, serveFlagArgs } from '../../../src/serve/flags.js';

describe('wsk serve flags', () => {
  it('parses every flag into TargetOptions, durations with or without a unit', () => {
    expect(
      parseServeFlags({
        host: '0.0.0.0',
        port: '8080',
        seed: '9',
        parts: '5',
        delay: '15ms',
        jitter: '0',
        drop: '0.25',
        garble: '.5',
        processingDelay: '1.5s',
        silence: '300',
        replyAudio: '2s',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 8080,
      seed: 9,
      chat: { parts: 5, delayMs: 15, jitterMs: 0, dropRate: 0.25, garbleRate: 0.5 },
      voice: { processingDelayMs: 1500, silenceMs: 300, replyAudioMs: 2000 },
    });
    expect(parseServeFlags({})).toEqual({});
    expect(parseServeFlags({ drop: '1' })).toEqual({ chat: { dropRate: 1 } });
  });

  it.each([
    [{ port: '65536' }, '--port: invalid value "65536"; expected a whole number from 0 to 65535'],
    [{ port: 'http' }, '--port: invalid value "http"; expected a whole number from 0 to 65535'],
    [{ parts: '0' }, '--parts: invalid value "0"; expected a whole number from 1 to 10000'],
    [{ parts: '2.5' }, '--parts: invalid value "2.5"; expected a whole number from 1 to 10000'],
    [{ drop: '1.5' }, '--drop: invalid value "1.5"; expected a number from 0 to 1'],
    [{ garble: '-0.1' }, '--garble: invalid value "-0.1"; expected a number from 0 to 1'],
    [{ garble: '10%' }, '--garble: invalid value "10%"; expected a number from 0 to 1'],
    [{ seed: '-1' }, '--seed: invalid value "-1"; expected a whole number from 0 to 4294967295'],
    [{ silence: '0' }, '--silence: invalid value "0"; expected a duration from 1ms to 1h'],
    [{ replyAudio: '2h' }, '--reply-audio: invalid value "2h"; expected a duration from 0ms to 1h'],
    [{ delay: 'soon' }, /^--delay: invalid duration "soon"/],
    [{ processingDelay: '-5ms' }, '--processing-delay: invalid duration "-5ms"; a duration cannot be negative'],
    [{ host: 'two words' }, '--host: invalid value "two words"; expected an address such as "127.0.0.1"'],
  ])('rejects %j', (flags, message) => {
    expect(() => parseServeFlags(flags)).toThrow(message);
  });

  it('turns options back into flags that parse to the same options', () => {
    const options = {
      host: '127.0.0.1',
      port: 0,
      seed: 3,
      chat: { parts: 2, delayMs: 12.5, dropRate: 0.1 },
      voice: { processingDelayMs: 50, replyAudioMs: 300 },
    };
    const args = serveFlagArgs(options);
    expect(args).toEqual([
      '--host', '127.0.0.1', '--port', '0', '--seed', '3',
      '--parts', '2', '--delay', '12.5ms', '--drop', '0.1',
      '--processing-delay', '50ms', '--reply-audio', '300ms',
    ]);
    const flags: Record<string, string> = {};
    for (let i = 0; i < args.length; i += 2) {
      flags[args[i]!.slice(2).replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())] = args[i + 1]!;
    }
    expect(parseServeFlags(flags)).toEqual(options);
  });
});

describe('--serve values', () => {
  it('reads a kind alone, or followed by its flags as `wsk serve` takes them', () => {
    expect(parseTargetSpec('echo')).toEqual({ kind: 'echo', options: {} });
    expect(parseTargetSpec('  chat   --drop 0.01 --parts=2 --seed 7 ')).toEqual({ kind: 'chat', options: { seed: 7, chat: { dropRate: 0.01, parts: 2 } } });
    expect(parseTargetSpec('voice --processing-delay 50ms --port 0')).toEqual({ kind: 'voice', options: { port: 0, voice: { processingDelayMs: 50 } } });
    expect(parseTargetSpec('chat --delay 5')).toEqual({ kind: 'chat', options: { chat: { delayMs: 5 } } });
  });

  const allowedKinds = 'allowed: echo, chat, voice, each optionally followed by its flags, e.g. "chat --drop 0.01"';
  const chatFlags = '--host, --port, --seed, --parts, --delay, --jitter, --drop, --garble';
  it.each([
    ['mirror', `--serve "mirror": unknown target "mirror"; ${allowedKinds}`],
    ['', `--serve "": no target; ${allowedKinds}`],
    ['--drop 0.1', `--serve "--drop 0.1": unknown target "--drop"; ${allowedKinds}`],
    ['chat --frob 1', `--serve "chat --frob 1": the chat target has no flag --frob; allowed: ${chatFlags}`],
    ['echo --drop 0.1', '--serve "echo --drop 0.1": the echo target has no flag --drop; allowed: --host, --port'],
    ['voice --seed 1', '--serve "voice --seed 1": the voice target has no flag --seed; allowed: --host, --port, --processing-delay, --silence, --reply-audio'],
    ['chat 0.1', `--serve "chat 0.1": unexpected "0.1"; expected a flag of the chat target: ${chatFlags}`],
    ['chat --drop', '--serve "chat --drop": --drop needs a value'],
    ['chat --drop --parts 2', '--serve "chat --drop --parts 2": --drop needs a value'],
    ['chat --drop=', '--serve "chat --drop=": --drop needs a value'],
    ['chat --parts 2 --parts=3', '--serve "chat --parts 2 --parts=3": --parts is given twice'],
    ['chat --drop 1.5', '--serve "chat --drop 1.5": --drop: invalid value "1.5"; expected a number from 0 to 1'],
    ['voice --silence 0', '--serve "voice --silence 0": --silence: invalid value "0"; expected a duration from 1ms to 1h'],
    ['chat --delay -5ms', '--serve "chat --delay -5ms": --delay: invalid duration "-5ms"; a duration cannot be negative'],
    ['echo --port 70000', '--serve "echo --port 70000": --port: invalid value "70000"; expected a whole number from 0 to 65535'],
  ])('rejects %j naming the value and what is allowed', (text, message) => {
    expect(() => parseTargetSpec(text)).toThrow(expect.objectContaining({ name: 'WskError', message, exitCode: 104 }));
  });
});
