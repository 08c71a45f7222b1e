export { bundleScript } from './bundle.js';
export { typecheckScript, type TypecheckOptions } from './typecheck.js';
export type { Bundle, BundleOptions, BundleWarning, SourcePosition } from './types.js';
