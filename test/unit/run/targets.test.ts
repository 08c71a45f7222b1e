import { describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { servedEnv, startTargets, targetEnvNames, type StartTarget } from '../../../src/run/targets.js';
import type { SpawnedTarget, TargetKind } from '../../../src/serve/index.js';

describe('the __ENV names of served targets', () => {
  it.each<[TargetKind[], string[][]]>([
    [['chat'], [['WSK_TARGET', 'WSK_TARGET_CHAT']]],
    [['chat', 'echo'], [['WSK_TARGET', 'WSK_TARGET_CHAT'], ['WSK_TARGET_ECHO']]],
    [['echo', 'chat', 'chat', 'voice', 'chat'], [['WSK_TARGET', 'WSK_TARGET_ECHO'], ['WSK_TARGET_CHAT'], ['WSK_TARGET_CHAT_2'], ['WSK_TARGET_VOICE'], ['WSK_TARGET_CHAT_3']]],
  ])('%j → %j', (kinds, names) => {
    expect(targetEnvNames(kinds)).toEqual(names);
  });

  it('gives every target its URL, and says where each listens', () => {
    const served = servedEnv([{ kind: 'chat', url: 'ws://a' }, { kind: 'echo', url: 'ws://b' }, { kind: 'chat', url: 'ws://c' }], () => false);
    expect(served.env).toEqual({ WSK_TARGET: 'ws://a', WSK_TARGET_CHAT: 'ws://a', WSK_TARGET_ECHO: 'ws://b', WSK_TARGET_CHAT_2: 'ws://c' });
    expect(served.lines).toEqual(['started the chat target at ws://a\n', 'started the echo target at ws://b\n', 'started the chat target at ws://c\n']);
  });

  it('leaves a name the user set to the user, and says the script uses it', () => {
    const set = new Set(['WSK_TARGET', 'WSK_TARGET_ECHO']);
    const served = servedEnv([{ kind: 'chat', url: 'ws://a' }, { kind: 'echo', url: 'ws://b' }], (name) => set.has(name));
    expect(served.env).toEqual({ WSK_TARGET_CHAT: 'ws://a' });
    expect(served.lines).toEqual([
      'started the chat target at ws://a (WSK_TARGET is set, so the script uses that)\n',
      'started the echo target at ws://b (WSK_TARGET_ECHO is set, so the script uses that)\n',
    ]);
    const both = servedEnv([{ kind: 'chat', url: 'ws://a' }], () => true);
    expect(both.env).toEqual({});
    expect(both.lines).toEqual(['started the chat target at ws://a (WSK_TARGET and WSK_TARGET_CHAT are set, so the script uses those)\n']);
  });
});

/** A fake spawnTarget whose starts the test settles one by one; records every stop. */
function fakeStart() {
  const pending = new Map<TargetKind, { resolve: (target: SpawnedTarget) => void; reject: (error: Error) => void }>();
  const stopped: TargetKind[] = [];
  const start: StartTarget = (kind) =>
    new Promise((resolve, reject) => {
      pending.set(kind, { resolve, reject });
    });
  return {
    start,
    stopped,
    /** The kinds asked for and not yet settled. */
    starting: () => [...pending.keys()],
    listen(kind: TargetKind): void {
      pending.get(kind)!.resolve({ url: `ws://${kind}`, stop: async () => void stopped.push(kind) });
      pending.delete(kind);
    },
    fail(kind: TargetKind): void {
      pending.get(kind)!.reject(new WskError('IO', `wsk serve ${kind}: cannot start`));
      pending.delete(kind);
    },
  };
}

const specs = (...kinds: TargetKind[]) => kinds.map((kind) => ({ kind, options: {} }));

describe('starting the targets', () => {
  it('starts them all at once and returns them in --serve order, whichever listens first', async () => {
    const fake = fakeStart();
    const started = startTargets(specs('chat', 'echo'), fake.start);
    expect(fake.starting()).toEqual(['chat', 'echo']);
    fake.listen('echo');
    fake.listen('chat');
    expect((await started).map((target) => target.url)).toEqual(['ws://chat', 'ws://echo']);
    expect(fake.stopped).toEqual([]);
  });

  it('stops those that started when one cannot, once all have settled, and throws its error', async () => {
    const fake = fakeStart();
    const started = startTargets(specs('chat', 'voice', 'echo'), fake.start);
    fake.listen('chat');
    fake.fail('voice');
    await Promise.resolve();
    expect(fake.stopped).toEqual([]); // echo may still come up, and must be stopped too
    fake.listen('echo');
    await expect(started).rejects.toThrow('wsk serve voice: cannot start');
    expect(fake.stopped).toEqual(['chat', 'echo']);
  });

  it('throws the first failure in --serve order when several fail', async () => {
    const fake = fakeStart();
    const started = startTargets(specs('chat', 'echo'), fake.start);
    fake.fail('echo');
    fake.fail('chat');
    await expect(started).rejects.toThrow('wsk serve chat: cannot start');
  });
});
