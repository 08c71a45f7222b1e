/**
 * The tags of a worker's samples: a scenario's and the group's, made once per scenario and group,
 * then the VU's (exec.vu.tags), then the call's own; and the tags a series is keyed by
 * (options.systemTags, a name over a url).
 */
import { SeriesTags } from '../metrics/tags.js';
import type { Tags } from '../types.js';
import type { WorkerScenario } from './messages.js';

interface BaseTags {
  /** As samples carry them: the scenario's, and the group. */
  readonly sample: Tags;
  /** As their series are keyed. */
  readonly series: Tags;
}

/** A call's own tags each base keeps made at most, by their text: more (a tag per VU, say) are made anew each time. */
const MAX_SHARED_OWN = 1000;

export class SampleTags {
  readonly #scenarios: readonly WorkerScenario[];
  readonly #seriesTags: SeriesTags;
  readonly #base = new Map<string, BaseTags>();
  /** The same with a VU's tags over them, by the VU's tags object (a new one each time the script changes them). */
  readonly #withVuTags = new WeakMap<Tags, Map<string, BaseTags>>();
  /**
   * Sample tags with a call's own over a base, by base and own tags' text: a fleet's sockets to one url
   * share one object (and its series key) rather than making two each, about 200 bytes a socket.
   */
  readonly #withOwn = new WeakMap<Tags, Map<string, Tags>>();

  /** `systemTags`: options.systemTags, validated (undefined: the default list). */
  constructor(scenarios: readonly WorkerScenario[], systemTags: readonly string[] | undefined) {
    this.#scenarios = scenarios;
    this.#seriesTags = new SeriesTags(systemTags);
  }

  /** The tags a sample's series is keyed by: the scenario's, the group, the VU's, the call's own, less those systemTags leaves out. */
  series(scenario: number, group: string, own: Record<string, string> | null, vuTags: Tags | null = null): Tags {
    const base = this.#baseTags(scenario, group, vuTags);
    return own === null ? base.series : this.key({ ...base.sample, ...own });
  }

  /** Tags of a sample: the scenario's, the group, the VU's, the call's own. Shared objects where possible. */
  sample(scenario: number, group: string, own: Record<string, string> | null, vuTags: Tags | null = null): Tags {
    const base = this.#baseTags(scenario, group, vuTags).sample;
    if (own === null) return base;
    let text = '';
    // Each name and value after its length: no two tag sets read the same, whatever characters they hold.
    for (const name in own) {
      const value = String(own[name]);
      text += `${name.length}:${name}${value.length}:${value}`;
    }
    let made = this.#withOwn.get(base);
    const known = made?.get(text);
    if (known !== undefined) return known;
    const tags = Object.freeze({ ...base, ...own });
    if (made === undefined) this.#withOwn.set(base, (made = new Map()));
    if (made.size < MAX_SHARED_OWN) made.set(text, tags);
    return tags;
  }

  /** The tags a series of samples with `tags` is keyed by. */
  key(tags: Tags): Tags {
    return this.#seriesTags.of(tags);
  }

  #baseTags(scenario: number, group: string, vuTags: Tags | null): BaseTags {
    let known = this.#base;
    if (vuTags !== null) {
      known = this.#withVuTags.get(vuTags) ?? new Map();
      this.#withVuTags.set(vuTags, known);
    }
    const key = `${scenario}\u0000${group}`;
    let base = known.get(key);
    if (base === undefined) {
      const sample = Object.freeze({ ...this.#scenarios[scenario]?.tags, group, ...vuTags });
      base = { sample, series: this.key(sample) };
      known.set(key, base);
    }
    return base;
  }
}
