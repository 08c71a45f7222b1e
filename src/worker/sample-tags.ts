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

export class SampleTags {
  readonly #scenarios: readonly WorkerScenario[];
  readonly #seriesTags: SeriesTags;
  readonly #base = new Map<string, BaseTags>();
  /** The same with a VU's tags over them, by the VU's tags object (a new one each time the script changes them). */
  readonly #withVuTags = new WeakMap<Tags, Map<string, BaseTags>>();

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
    return own === null ? base : { ...base, ...own };
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
