import { describe, expect, it } from 'vitest';
import { parseServeFlags, serveFlagArgs } from '../../../src/serve/flags.js';

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
