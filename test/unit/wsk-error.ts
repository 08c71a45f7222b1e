import { WskError } from '../../src/errors.js';

/** The WskError `work` throws; anything else it throws propagates, and not throwing fails the test. */
export function thrownWskError(work: () => unknown): WskError {
  try {
    work();
  } catch (error) {
    if (error instanceof WskError) return error;
    throw error;
  }
  throw new Error('expected a WskError');
}
