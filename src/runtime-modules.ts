/**
 * The modules a script can import, and which of their exports block a VU (so k6-style scripts that
 * call them without `await` are rewritten to await them, and wsk-style scripts get a warning).
 * One table, shared by the bundler (resolution, rewriting) and the sandbox (module instances).
 */
export const RUNTIME_MODULES = ['wsk', 'wsk/metrics', 'wsk/execution', 'wsk/ws', 'wsk/http'] as const;
export type RuntimeModuleId = (typeof RUNTIME_MODULES)[number];

/** k6 module ids accepted as aliases of wsk's. */
export const K6_ALIASES: Readonly<Record<string, RuntimeModuleId>> = {
  k6: 'wsk',
  'k6/metrics': 'wsk/metrics',
  'k6/execution': 'wsk/execution',
  'k6/ws': 'wsk/ws',
  'k6/http': 'wsk/http',
};

/** k6/http's calls that wait for a response (asyncRequest is awaited by the script itself). */
const HTTP_BLOCKING = ['get', 'head', 'post', 'put', 'patch', 'del', 'options', 'request', 'batch'];

/**
 * Exports that return a promise the VU must wait for. For a module whose default export is an
 * object (k6/http's `http.get`), the member names are listed under 'default'.
 */
export const BLOCKING_EXPORTS: Readonly<Record<RuntimeModuleId, { named: readonly string[]; defaultMembers: readonly string[] }>> = {
  wsk: { named: ['sleep', 'group'], defaultMembers: [] },
  'wsk/metrics': { named: [], defaultMembers: [] },
  'wsk/execution': { named: [], defaultMembers: [] },
  'wsk/ws': { named: ['open', 'connect'], defaultMembers: ['open', 'connect'] },
  'wsk/http': { named: HTTP_BLOCKING, defaultMembers: HTTP_BLOCKING },
};

export function resolveRuntimeModule(specifier: string): RuntimeModuleId | undefined {
  if ((RUNTIME_MODULES as readonly string[]).includes(specifier)) return specifier as RuntimeModuleId;
  return K6_ALIASES[specifier];
}
