import type { TypecheckOptions } from './typecheck.js';

export { bundleScript } from './bundle.js';
export type { TypecheckOptions } from './typecheck.js';
export type { Bundle, BundleOptions, BundleWarning, SourcePosition } from './types.js';

/** `--typecheck` (typecheck.ts), whose module, and the TypeScript compiler with it, is loaded only when called. */
export async function typecheckScript(scriptPath: string, options: TypecheckOptions = {}): Promise<void> {
  const { typecheckScript: typecheck } = await import('./typecheck.js');
  return typecheck(scriptPath, options);
}
