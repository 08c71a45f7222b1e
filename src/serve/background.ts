import { isAbortError } from '../clock.js';

/**
 * The `catch` of a reply running in the background: its socket closing (an AbortError) ends it
 * quietly; any other error is a bug in the target and is rethrown so it surfaces.
 */
export function endOnAbort(error: unknown): void {
  if (!isAbortError(error)) throw error;
}
