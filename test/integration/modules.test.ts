/**
 * The runtime modules as the bundle sees them: the table's list of a module's names (which makes
 * its stand-in bind each once, src/bundle/plugin.ts) must be exactly what the module object has in
 * a real sandbox, and imports of every shape must reach the same members.
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOLS } from '../../src/protocols/index.js';
import { runScript } from './harness.js';

const table = PROTOCOLS.runtimeTable;
const ids = Object.keys(table.blocking);

describe('runtime modules', () => {
  it("are listed in the table with exactly the names their objects have, unless one of them is a getter", async () => {
    const imports = ids.map((id, i) => `import m${i} from ${JSON.stringify(id)};`).join('\n');
    const { code, stdout, stderr } = await runScript(
      `${imports}
       const modules: Record<string, object> = { ${ids.map((id, i) => `${JSON.stringify(id)}: m${i}`).join(', ')} };
       export const options = { iterations: 1 };
       export default function () {}
       export function handleSummary() {
         const seen: Record<string, { names: string[]; getters: string[] }> = {};
         for (const [id, module] of Object.entries(modules)) {
           const names = Object.getOwnPropertyNames(module);
           seen[id] = { names, getters: names.filter((name) => Object.getOwnPropertyDescriptor(module, name)?.get !== undefined) };
         }
         return { stdout: 'MODULES ' + JSON.stringify(seen) + '\\n' };
       }`,
      [],
      'script.ts',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const seen = JSON.parse(/^MODULES (.*)$/m.exec(stdout)![1]!) as Record<string, { names: string[]; getters: string[] }>;
    expect(Object.keys(seen).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const { names, getters } = seen[id]!;
      const listed = table.exports?.[id];
      if (getters.length > 0) expect(listed, `${id} has getters (${getters.join(', ')}): its names must not be listed`).toBeUndefined();
      else expect([...(listed ?? [])].sort(), `the names of ${id}`).toEqual([...names].sort());
    }
  });

  it('reach the same members by named, default, namespace and k6 imports, and through require() in a package', async () => {
    const { code, stdout, stderr } = await runScript(
      `import { sleep, check } from 'wsk';
       import wsk from 'wsk';
       import * as k6 from 'k6';
       import k6Default from 'k6';
       import { get } from 'k6/http';
       import http from 'wsk/http';
       import * as ws from 'k6/ws';
       import { fromPackage } from 'lib';
       export const options = { iterations: 1 };
       export default function () {}
       export function handleSummary() {
         const same = [
           sleep === wsk.sleep, check === k6.check, k6.default === k6Default, k6Default.sleep === sleep,
           get === http.get, typeof ws.connect === 'function', ws.default.connect === ws.connect, fromPackage === sleep,
         ];
         return { stdout: 'SAME ' + JSON.stringify(same) + '\\n' };
       }`,
      [],
      'script.ts',
      { 'node_modules/lib/package.json': JSON.stringify({ name: 'lib', main: 'index.js' }), 'node_modules/lib/index.js': `exports.fromPackage = require('k6').sleep;\n` },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`SAME ${JSON.stringify([true, true, true, true, true, true, true, true])}`);
  });

  it("stop a script at bundling or before its VUs start when it uses a name a module lacks, however it imports it", async () => {
    const named = await runScript(`import { sleep, nosuch } from 'k6';\nexport default function () { sleep(1); nosuch(); }`, [], 'script.js');
    expect(named.code).toBe(107);
    expect(named.stderr).toBe(`ERROR script.js:1:17: k6 has no export "nosuch" in wsk; see "Coming from k6" in wsk's README for what is supported\n`);
    const member = await runScript(`import * as k6 from 'k6';\nexport default function () { k6.nosuch(); }`, [], 'script.js');
    expect(member.code).toBe(107);
    expect(member.stderr).toMatch(/^ERROR script\.js:2:\d+: k6 has no export "nosuch" in wsk; .*\n$/);
  });
});
