/**
 * The wording of an import wsk cannot satisfy, shared by the bundler (a named import the module's
 * stand-in lacks) and the sandbox (what it checks before a VU's code runs), so both read alike.
 */

/** `specifier` (as the script wrote it) has no export `member` ('OCSP_STATUS_GOOD', or 'exec.foo' below one). */
export function noExportMessage(specifier: string, member: string): string {
  return `${specifier} has no export "${member}" in wsk; see "Coming from k6" in wsk's README for what is supported`;
}
