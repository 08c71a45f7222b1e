import vm from 'node:vm';

/** The file name stack traces give the bundle's code. */
export const BUNDLE_FILE = 'wsk-bundle.js';

/**
 * Runs a bundle the way the sandbox does: as an async function body, one line after the wrapper's
 * first, its exports handed over by `__wskExports`. Resolves once its init code is over.
 */
export async function instantiate(code: string, modules: Record<string, unknown>): Promise<Record<string, unknown>> {
  const wrapper = `(async function (require, module, exports) { "use strict"; const __wskExports = (namespace) => { module.exports = namespace; };\n${code}\n})`;
  const factory = vm.runInThisContext(wrapper, { filename: BUNDLE_FILE }) as (
    require: (id: string) => unknown,
    module: { exports: object },
    exports: object,
  ) => Promise<void>;
  const module = { exports: {} };
  await factory(
    (id) => {
      if (!(id in modules)) throw new Error(`unexpected require(${id})`);
      return modules[id];
    },
    module,
    module.exports,
  );
  return module.exports as Record<string, unknown>;
}
