import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleScript, typecheckScript } from '../../../src/bundle/index.js';
import { WskError } from '../../../src/errors.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/bundle/', import.meta.url));
const options = { typesDir: path.join(FIXTURES, 'types'), cwd: FIXTURES };

async function rejection(promise: Promise<unknown>): Promise<WskError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WskError)) throw new Error(`expected a WskError, got ${String(error)}`);
  return error;
}

describe('typecheckScript', () => {
  it('passes a correct script using wsk and k6 ids and a relative import', async () => {
    await expect(typecheckScript('typecheck/ok.ts', options)).resolves.toBeUndefined();
  });

  it('fails with SCRIPT_TYPE listing each diagnostic with its TS code and position; no DOM types', async () => {
    const error = await rejection(typecheckScript('typecheck/bad.ts', options));
    expect([error.code, error.exitCode, error.hint]).toEqual(['SCRIPT_TYPE', 107, 'fix the type errors, or run without --typecheck']);
    expect(error.message.split('\n')).toEqual([
      "typecheck/bad.ts:2:24 - error TS2307: Cannot find module 'k6/browser' or its corresponding type declarations.",
      "typecheck/bad.ts:5:15 - error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.",
      "typecheck/bad.ts:6:3 - error TS2584: Cannot find name 'document'. Do you need to change your target library? Try changing the 'lib' compiler option to include 'dom'.",
    ]);
  });

  it('shows the first five diagnostics and counts the rest', async () => {
    const lines = (await rejection(typecheckScript('typecheck/many.ts', options))).message.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[4]).toBe("typecheck/many.ts:5:7 - error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(lines[5]).toBe('(and 2 more)');
  });

  it('runs first when bundleScript is asked to typecheck', async () => {
    const error = await rejection(bundleScript('typecheck/bad.ts', { ...options, typecheck: true }));
    expect(error.code).toBe('SCRIPT_TYPE');
    await expect(bundleScript('typecheck/ok.ts', { ...options, typecheck: true })).resolves.toMatchObject({ warnings: [] });
  });
});
