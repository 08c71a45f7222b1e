/**
 * The built-in targets of `wsk run --serve`: all started at once, each in its own process, and their
 * URLs handed to the script in __ENV.
 */
import type { TargetSpec } from '../serve/flags.js';
import { spawnTarget, type SpawnedTarget } from '../serve/spawn.js';
import type { TargetKind, TargetOptions } from '../serve/types.js';

export type StartTarget = (kind: TargetKind, options: TargetOptions) => Promise<SpawnedTarget>;

/**
 * Starts every target in parallel. If one cannot start, stops those that did and throws its error
 * (the first one's, in --serve order, when several fail).
 */
export async function startTargets(specs: readonly TargetSpec[], start: StartTarget = spawnTarget): Promise<SpawnedTarget[]> {
  const settled = await Promise.allSettled(specs.map((spec) => start(spec.kind, spec.options)));
  const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) {
    await stopTargets(started);
    throw failed.reason;
  }
  return started;
}

export async function stopTargets(targets: readonly SpawnedTarget[]): Promise<void> {
  await Promise.all(targets.map((target) => target.stop()));
}

/**
 * The __ENV names of each target's URL, in --serve order: every target's is WSK_TARGET_<KIND> (a
 * kind's second target WSK_TARGET_<KIND>_2, ...), and the first's is also WSK_TARGET, which scripts
 * written for a single --serve read.
 */
export function targetEnvNames(kinds: readonly TargetKind[]): string[][] {
  const counts = new Map<TargetKind, number>();
  return kinds.map((kind, index) => {
    const count = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, count);
    const name = `WSK_TARGET_${kind.toUpperCase()}${count === 1 ? '' : `_${count}`}`;
    return index === 0 ? ['WSK_TARGET', name] : [name];
  });
}

export interface ServedEnv {
  /** The names the script gets from the targets. */
  readonly env: Record<string, string>;
  /** One line per target for stderr, saying where it listens. */
  readonly lines: string[];
}

/**
 * What the script sees of the started targets. A name the user set (-e or the environment) wins:
 * the script then uses that, and the target's line says so.
 */
export function servedEnv(targets: readonly { kind: TargetKind; url: string }[], isSet: (name: string) => boolean): ServedEnv {
  const env: Record<string, string> = {};
  const names = targetEnvNames(targets.map((target) => target.kind));
  const lines = targets.map(({ kind, url }, index) => {
    const own = names[index] ?? [];
    const explicit = own.filter(isSet);
    for (const name of own) if (!explicit.includes(name)) env[name] = url;
    const note = explicit.length === 0 ? '' : ` (${explicit.join(' and ')} ${explicit.length === 1 ? 'is set, so the script uses that' : 'are set, so the script uses those'})`;
    return `started the ${kind} target at ${url}${note}\n`;
  });
  return { env, lines };
}
