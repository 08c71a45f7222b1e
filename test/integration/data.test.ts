// wsk/data: SharedArray made once per isolate and read-only, CSV parsed with papaparse, and
// feeder-style next() whose 'unique' mode hands each record to one VU once across all workers.
import { describe, expect, it } from 'vitest';
import { runScript } from './harness.js';

const USERS = ['id,name,plan', ...Array.from({ length: 20 }, (_, i) => `${i + 1},user${i + 1},${i % 2 === 0 ? 'free' : 'pro'}`)].join('\n');

const SCRIPT = (iterations: number, mode: string) => `
import { SharedArray, parseCsv } from 'k6/data';
import { check } from 'k6';
type User = { id: string; name: string; plan: string };
let made = 0;
const users = new SharedArray<User>('users', () => { made++; return parseCsv(open('./users.csv')) as User[]; });
const again = new SharedArray<User>('users', () => { throw new Error('made twice'); });
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 4, iterations: ${iterations} } } };
export default function () {
  const user = users.next({ mode: '${mode}' });
  console.log('claimed ' + user.id);
  let frozen = false;
  try { (user as { name: string }).name = 'changed'; } catch { frozen = true; }
  check(users, {
    'the same array for every VU of an isolate': (u) => u === again && u.length === 20 && u[0]!.name === 'user1',
    'its records are read-only': () => frozen && user.name === 'user' + user.id,
    'its function ran once for this VU': () => made <= 1,
  });
}
`;

function claimed(stderr: string): string[] {
  return [...stderr.matchAll(/claimed (\d+)/g)].map((match) => match[1]!);
}

describe('SharedArray', () => {
  it("next({ mode: 'unique' }) hands each record to one VU once, across two workers, and fails when all are used", async () => {
    const { code, stderr, stdout } = await runScript(SCRIPT(21, 'unique'), ['--workers', '2'], 'script.ts', { 'users.csv': USERS });
    const ids = claimed(stderr);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
    expect(stderr).toMatch(/SharedArray "users": next\(\{ mode: 'unique' \}\) has handed out all 20 records/);
    expect(stdout).toMatch(/✓ the same array for every VU of an isolate/);
    expect(stdout).not.toMatch(/^\s*✗ /m);
    expect(code).toBe(0);
  });

  it("next() goes through the records in order across the run, and round again", async () => {
    const { code, stderr } = await runScript(SCRIPT(30, 'sequential'), [], 'script.ts', { 'users.csv': USERS });
    expect(code).toBe(0);
    const ids = claimed(stderr).map(Number).sort((a, b) => a - b);
    expect(ids).toEqual([...Array.from({ length: 20 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 1)].sort((a, b) => a - b));
  });

  it('is refused outside init code, and a function that returns no array is an error naming it', async () => {
    const late = await runScript(`import { SharedArray } from 'wsk/data';\nexport default function () { new SharedArray('x', () => []); }`);
    expect(late.stderr).toMatch(/new SharedArray\(\) is only available in init code/);
    const notArray = await runScript(`import { SharedArray } from 'wsk/data';\nconst x = new SharedArray('x', () => ({}) as never);\nexport default function () {}`);
    expect(notArray.code).toBe(107);
    expect(notArray.stderr).toMatch(/SharedArray\("x"\): the function must return an array, got object/);
  });
});
