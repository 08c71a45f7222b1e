/** wsk as a library: the CLI's entry points, for tools and tests that drive wsk in-process. */
export { cli } from './cli/main.js';
export { runTest, type RunRequest } from './run/run.js';
export { inspectScript } from './run/inspect.js';
export { memoryIo, processIo, type Io, type Output, type StopSignal } from './io.js';
export { ExitCode, WskError, type ErrorCode, type ExitCodeValue } from './errors.js';
export type * from './types.js';
