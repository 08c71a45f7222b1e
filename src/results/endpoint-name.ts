import type { Tags } from '../types.js';

/** The endpoint a request sample belongs to: its `name` tag, else its `url`. */
export function endpointName(tags: Tags): string | undefined {
  return tags['name'] ?? tags['url'];
}
