import { describe, expect, it } from 'vitest';
import { WskError } from '../../../src/errors.js';
import { DEFAULT_SYSTEM_TAGS } from '../../../src/metrics/tags.js';
import { readSystemTags } from '../../../src/options/system-tags.js';
import type { ScriptOptions } from '../../../src/types.js';

/** Options as a script states them: anything at all. */
const read = (systemTags: unknown): readonly string[] => readSystemTags({ systemTags } as ScriptOptions);

describe('readSystemTags', () => {
  it("is k6's default list when not set, and the list given otherwise", () => {
    expect(readSystemTags({})).toBe(DEFAULT_SYSTEM_TAGS);
    expect(read(null)).toBe(DEFAULT_SYSTEM_TAGS);
    expect(read(['status', 'name', 'status', 'vu'])).toEqual(['status', 'name', 'vu']);
    expect(read([])).toEqual([]);
  });

  it.each<[unknown, string]>([
    ['url', 'options.systemTags: invalid value "url"; use an array of tag names, e.g. ["status", "method", "name"]; allowed: proto, subproto,'],
    [['status', 'uri'], 'options.systemTags[1]: invalid value "uri"; allowed: proto, subproto, status, method, url, name,'],
    [['status', 3], 'options.systemTags[1]: invalid value 3; allowed: proto,'],
  ])('refuses %j with one line naming the value and what is allowed', (systemTags, message) => {
    let error: unknown;
    try {
      read(systemTags);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WskError);
    expect((error as WskError).code).toBe('INVALID_OPTION');
    expect((error as WskError).message).toContain(message);
    expect((error as WskError).message).not.toContain('\n');
    expect((error as WskError).message).toMatch(/expected_response, ip, ocsp_status, vu, iter, close_code$/);
  });
});
