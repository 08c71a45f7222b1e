/**
 * The `wsk/summary` module (alias `k6/summary`): textSummary(data, options) for handleSummary(),
 * rendered by the host with the very renderer of the printed summary.
 */
import type * as Summary from 'wsk/summary';
import type { RealmServices } from '../vu.js';

export function createSummaryModule(services: RealmServices): typeof Summary {
  return {
    textSummary(data: Summary.SummaryData, options: Summary.TextSummaryOptions = {}): string {
      if (data === null || typeof data !== 'object') throw new TypeError(`textSummary(): data must be the object handleSummary(data) receives, got ${data === null ? 'null' : typeof data}`);
      if (options === null || typeof options !== 'object') throw new TypeError(`textSummary(): options must be an object such as { indent: ' ', enableColors: false }, got ${options === null ? 'null' : typeof options}`);
      const { indent = '', enableColors = true } = options;
      if (typeof indent !== 'string') throw new TypeError(`textSummary(): options.indent must be a string, got ${typeof indent}`);
      if (typeof enableColors !== 'boolean') throw new TypeError(`textSummary(): options.enableColors must be a boolean, got ${typeof enableColors}`);
      return services.host('textSummary', JSON.stringify(data), indent, enableColors) as string;
    },
  };
}
